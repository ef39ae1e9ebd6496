"""A Vahan registration in the standard representation (doc type RVCER).

Vahan's ``rc_status`` maps to the certificate's status so: ``ACTIVE`` is
active; ``RC SURRENDER`` (the owner gave the certificate up, the vehicle is off
the road) is revoked; ``NOC ISSUED`` (cleared to move to another state's
register, not yet re-registered) is suspended.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from adapters.builtin.transport.identifiers import mask
from adapters.builtin.transport.vahan import (
    LIFETIME_TAX,
    RegistrationStatus,
    VahanRegistration,
)
from adapters.sdk import (
    Address,
    DataNode,
    DisplaySection,
    DocumentStatus,
    Organization,
    Person,
    StandardDocument,
    node,
    xml_date,
)

DOC_TYPE = "RVCER"
DOCUMENT_NAME = "Registration Certificate"

_TRAILING_PIN = re.compile(r"(?P<line>.*?)[\s,-]*(?P<pin>\d{6})")

STATUS_OF = {
    RegistrationStatus.ACTIVE: DocumentStatus.ACTIVE,
    RegistrationStatus.SURRENDERED: DocumentStatus.REVOKED,
    RegistrationStatus.NOC_ISSUED: DocumentStatus.SUSPENDED,
}


def _date(value: date | None) -> str:
    return xml_date(value) if value else ""


def _tax(value: date | Literal["LTT"]) -> str:
    return xml_date(value) if isinstance(value, date) else value


def _owner_address(registration: VahanRegistration) -> Address | None:
    if not registration.address:
        return None
    # Vahan keeps the address as one line, usually ending in the PIN code
    match = _TRAILING_PIN.fullmatch(registration.address)
    if match is None:
        return Address(line1=registration.address)

    return Address(line1=match["line"], pin=match["pin"])


def _registration_node(registration: VahanRegistration) -> DataNode:
    vehicle = registration.vehicle
    insurance = registration.insurance
    children = [
        node(
            "Vehicle",
            chasisNo=vehicle.chassis_number,
            engineNo=vehicle.engine_number,
            **{"class": vehicle.vehicle_class},
            category=vehicle.category,
            color=vehicle.colour,
            cubicCapacity=str(vehicle.cubic_capacity),
            fuelDesc=vehicle.fuel,
            make=vehicle.maker,
            model=vehicle.model,
            bodyType=vehicle.body_type,
            mfgDate=str(vehicle.manufactured),
            seatCapacity=str(vehicle.seat_capacity),
            fitTill=_date(vehicle.fit_upto),
            unladenWeight=str(vehicle.unladen_weight),
            grossWeight=str(vehicle.gross_weight),
            cylinders=str(vehicle.cylinders),
        )
    ]
    if insurance is not None:
        children.append(
            node(
                "Insurance",
                companyName=insurance.company,
                policyNo=insurance.policy_number,
                validTill=_date(insurance.valid_till),
            )
        )

    return node(
        "VehicleRegistration",
        *children,
        registrationDate=xml_date(registration.registration_date),
        registeredAt=registration.registered_at,
        ownerSerial=str(registration.owner_serial),
        status=registration.status.value,
        statusDate=_date(registration.status_as_on),
        financer=registration.financer,
        normsDesc=vehicle.norms,
        taxUpto=_tax(registration.tax_upto),
        puccUpto=_date(registration.pucc_upto),
    )


def _rows(*rows: tuple[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(row for row in rows if row[1])


def _display(registration: VahanRegistration) -> tuple[DisplaySection, ...]:
    vehicle = registration.vehicle
    insurance = registration.insurance
    tax = registration.tax_upto
    status_as_on = _date(registration.status_as_on)

    sections = [
        DisplaySection(
            "Registration",
            rows=_rows(
                ("Registration number", registration.number),
                ("Date of registration", xml_date(registration.registration_date)),
                ("Registration valid till", _date(registration.registered_upto)),
                ("Registering authority", registration.registered_at),
                ("Status", registration.status.value.title()),
                ("Status as on", status_as_on),
            ),
        ),
        DisplaySection(
            "Owner",
            rows=_rows(
                ("Owner", registration.owner_name),
                ("Son/Wife/Daughter of", registration.relative_name),
                ("Address", registration.address),
                ("Owner serial", str(registration.owner_serial)),
                ("Hypothecated to", registration.financer),
            ),
        ),
        DisplaySection(
            "Vehicle",
            rows=_rows(
                ("Vehicle class", vehicle.vehicle_class),
                ("Maker", vehicle.maker),
                ("Model", vehicle.model),
                ("Body type", vehicle.body_type),
                ("Fuel", vehicle.fuel),
                ("Colour", vehicle.colour),
                ("Emission norms", vehicle.norms),
                ("Chassis number", mask(vehicle.chassis_number)),
                ("Engine number", mask(vehicle.engine_number)),
                ("Month of manufacture", str(vehicle.manufactured)),
                ("Cubic capacity (cc)", str(vehicle.cubic_capacity)),
                ("Seating capacity", str(vehicle.seat_capacity)),
                ("Cylinders", str(vehicle.cylinders)),
                ("Unladen weight (kg)", str(vehicle.unladen_weight)),
                ("Gross vehicle weight (kg)", str(vehicle.gross_weight)),
                ("Fitness valid till", _date(vehicle.fit_upto)),
            ),
        ),
    ]
    if insurance is not None:
        sections.append(
            DisplaySection(
                "Insurance",
                rows=_rows(
                    ("Insurer", insurance.company),
                    ("Policy number", insurance.policy_number),
                    ("Valid till", _date(insurance.valid_till)),
                ),
            )
        )
    sections.append(
        DisplaySection(
            "Tax and pollution",
            rows=_rows(
                (
                    "Tax paid up to",
                    "Lifetime tax" if tax == LIFETIME_TAX else _tax(tax),
                ),
                ("Pollution certificate valid till", _date(registration.pucc_upto)),
            ),
        )
    )

    return tuple(sections)


def registration_document(
    registration: VahanRegistration, *, uri: str, issued_by: Organization
) -> StandardDocument:
    """``registration`` as the locker's standard document."""
    owner = Person(
        name=registration.owner_name,
        father_name=registration.relative_name,
        address=_owner_address(registration),
    )

    return StandardDocument(
        uri=uri,
        doc_type=DOC_TYPE,
        name=DOCUMENT_NAME,
        number=registration.number,
        issued_by=issued_by,
        issued_to=owner,
        data=(_registration_node(registration),),
        status=STATUS_OF[registration.status],
        issue_date=registration.registration_date,
        valid_from=registration.registration_date,
        expiry_date=registration.registered_upto,
        issued_at=registration.registered_at,
        display=_display(registration),
    )
