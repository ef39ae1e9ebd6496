"""Vahan, the vehicle-registration system: its record, and the registration it maps to.

Vahan answers a registration search with one flat JSON object of snake_case
fields (``rc_regn_no``, ``rc_owner_name``, ``rc_chasi_no``, ...) and
``stautsMessage`` (sic), ``OK`` when the registration was found. Dates are
``dd-Mon-yyyy``; ``rc_manu_month_yr`` is ``MM/YYYY``; ``rc_tax_upto`` is a date
or ``LTT`` for lifetime tax; counts and weights arrive as strings.
"""

from __future__ import annotations

import enum
import json
import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Final, Literal

from adapters.builtin.transport.dates import parse_month_year
from adapters.builtin.transport.identifiers import REGISTRATION_NUMBER, compact
from adapters.builtin.transport.records import MalformedRecordError, RecordReader

logger = logging.getLogger(__name__)

LIFETIME_TAX: Final = "LTT"


class RegistrationStatus(enum.StrEnum):
    """A registration's status as Vahan writes it in ``rc_status``."""

    ACTIVE = "ACTIVE"
    SURRENDERED = "RC SURRENDER"
    NOC_ISSUED = "NOC ISSUED"


@dataclass(frozen=True)
class ManufactureMonth:
    """The month a vehicle was made, printed ``MM/YYYY`` as Vahan has it."""

    year: int
    month: int

    def __str__(self) -> str:
        return f"{self.month:02d}/{self.year}"


@dataclass(frozen=True)
class Vehicle:
    """The vehicle a registration is for."""

    chassis_number: str
    engine_number: str
    vehicle_class: str
    category: str
    maker: str
    model: str
    body_type: str
    fuel: str
    colour: str
    norms: str
    manufactured: ManufactureMonth
    cubic_capacity: Decimal
    seat_capacity: int
    cylinders: int
    unladen_weight: int
    gross_weight: int
    fit_upto: date | None


@dataclass(frozen=True)
class Insurance:
    """The vehicle's insurance as last reported to Vahan."""

    company: str
    policy_number: str
    valid_till: date | None


@dataclass(frozen=True)
class VahanRegistration:
    """A registration certificate as Vahan holds it, typed."""

    number: str
    registration_date: date
    registered_upto: date | None
    registered_at: str
    owner_serial: int
    owner_name: str
    relative_name: str
    address: str
    financer: str
    status: RegistrationStatus
    status_as_on: date | None
    tax_upto: date | Literal["LTT"]
    pucc_upto: date | None
    vehicle: Vehicle
    insurance: Insurance | None


def _vehicle(record: RecordReader) -> Vehicle:
    try:
        year, month = parse_month_year(record.text("rc_manu_month_yr"))
    except ValueError as error:
        raise record.fail("rc_manu_month_yr", "a month as MM/YYYY") from error

    return Vehicle(
        chassis_number=compact(record.text("rc_chasi_no")),
        engine_number=compact(record.text("rc_eng_no")),
        vehicle_class=record.text("rc_vh_class_desc"),
        category=record.optional_text("rc_vch_catg"),
        maker=record.text("rc_maker_desc"),
        model=record.text("rc_maker_model"),
        body_type=record.optional_text("rc_body_type_desc"),
        fuel=record.optional_text("rc_fuel_desc"),
        colour=record.optional_text("rc_color"),
        norms=record.optional_text("rc_norms_desc"),
        manufactured=ManufactureMonth(year, month),
        cubic_capacity=record.decimal("rc_cubic_cap"),
        seat_capacity=record.integer("rc_seat_cap"),
        cylinders=record.integer("rc_no_cyl"),
        unladen_weight=record.integer("rc_unld_wt"),
        gross_weight=record.integer("rc_gvw"),
        fit_upto=record.optional_date("rc_fit_upto"),
    )


def _insurance(record: RecordReader) -> Insurance | None:
    if not record.has("rc_insurance_comp"):
        return None

    return Insurance(
        company=record.text("rc_insurance_comp"),
        policy_number=record.optional_text("rc_insurance_policy_no"),
        valid_till=record.optional_date("rc_insurance_upto"),
    )


def _tax_upto(record: RecordReader) -> date | Literal["LTT"]:
    if record.optional_text("rc_tax_upto").upper() == LIFETIME_TAX:
        return LIFETIME_TAX
    return record.date("rc_tax_upto")


def _status(record: RecordReader) -> RegistrationStatus:
    written = " ".join(record.text("rc_status").upper().split())
    if written not in {status.value for status in RegistrationStatus}:
        raise record.fail("rc_status", "ACTIVE, RC SURRENDER or NOC ISSUED")
    return RegistrationStatus(written)


def _registration_number(record: RecordReader) -> str:
    number = compact(record.text("rc_regn_no"))
    if REGISTRATION_NUMBER.fullmatch(number) is None:
        raise record.fail("rc_regn_no", "a registration number like MH12AB1234")
    return number


def parse_vahan_record(raw: object, path: str = "record") -> VahanRegistration | None:
    """Map one Vahan record to a ``VahanRegistration``.

    Answers ``None`` when Vahan's ``stautsMessage`` is not ``OK`` (it has no
    such registration); raises ``MalformedRecordError`` naming the field when the
    record does not have Vahan's shape.
    """
    record = RecordReader.of(raw, path)
    if record.text("stautsMessage").upper() != "OK":
        return None

    return VahanRegistration(
        number=_registration_number(record),
        registration_date=record.date("rc_regn_dt"),
        registered_upto=record.optional_date("rc_regn_upto"),
        registered_at=record.text("rc_registered_at"),
        owner_serial=record.integer("rc_owner_sr"),
        owner_name=" ".join(record.text("rc_owner_name").split()),
        relative_name=record.optional_text("rc_f_name"),
        address=" ".join(record.optional_text("rc_present_address").split()),
        financer=record.optional_text("rc_financer"),
        status=_status(record),
        status_as_on=record.optional_date("rc_status_as_on"),
        tax_upto=_tax_upto(record),
        pucc_upto=record.optional_date("rc_pucc_upto"),
        vehicle=_vehicle(record),
        insurance=_insurance(record),
    )


def load_vahan(path: Path) -> dict[str, VahanRegistration]:
    """Read a file holding a JSON list of Vahan records, keyed by registration number.

    Records reporting no registration are skipped; a malformed record or a
    registration number seen twice raises ``MalformedRecordError`` naming the file
    and the entry.
    """
    records = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(records, list):
        raise MalformedRecordError(
            f"{path.name}: expected a JSON list of Vahan records"
        )

    registrations: dict[str, VahanRegistration] = {}
    for index, raw in enumerate(records):
        registration = parse_vahan_record(raw, f"{path.name}[{index}]")
        if registration is None:
            continue
        if registration.number in registrations:
            raise MalformedRecordError(
                f"{path.name}[{index}]: registration {registration.number} "
                "appears twice"
            )
        registrations[registration.number] = registration

    logger.debug("read %d Vahan registrations from %s", len(registrations), path.name)
    return registrations
