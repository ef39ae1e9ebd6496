"""A Sarathi driving licence in the standard representation (doc type DRVLC)."""

from __future__ import annotations

from datetime import date

from adapters.builtin.transport.sarathi import (
    LicenceCategory,
    Relation,
    SarathiLicence,
    Validity,
)
from adapters.sdk import (
    DataNode,
    DisplaySection,
    DocumentStatus,
    Gender,
    Organization,
    Person,
    StandardDocument,
    node,
    xml_date,
)

DOC_TYPE = "DRVLC"
DOCUMENT_NAME = "Driving Licence"

GENDER_NAMES = {
    Gender.MALE: "Male",
    Gender.FEMALE: "Female",
    Gender.TRANSGENDER: "Transgender",
}
_RELATION_LABELS = {
    Relation.SON_OF: "Son of",
    Relation.DAUGHTER_OF: "Daughter of",
    Relation.WIFE_OF: "Wife of",
    Relation.UNSTATED: "Son/Daughter/Wife of",
}
_CATEGORY_NAMES = {
    LicenceCategory.NON_TRANSPORT: "Non-transport",
    LicenceCategory.TRANSPORT: "Transport",
}
_CLASS_STATUS_NAMES = {"A": "Active"}
_CLASS_COLUMNS = (
    "Class",
    "Description",
    "Category",
    "Issued on",
    "Valid till",
    "Status",
)


def licence_status(licence: SarathiLicence, today: date) -> DocumentStatus:
    """The licence's status on ``today``.

    Sarathi's own ``dlStatus`` wins when it says the licence is suspended or
    revoked (cancelled); otherwise the licence is expired once every validity,
    transport and non-transport, has ended, and active before that.
    """
    written = licence.status.upper()
    if "SUSPEND" in written:
        return DocumentStatus.SUSPENDED
    if "REVOK" in written or "CANCEL" in written:
        return DocumentStatus.REVOKED
    if all(validity.has_ended(today) for validity in licence.validities):
        return DocumentStatus.EXPIRED

    return DocumentStatus.ACTIVE


def _class_nodes(licence: SarathiLicence) -> tuple[DataNode, ...]:
    nodes = []
    for vehicle_class in licence.classes:
        validity = licence.validity_of(vehicle_class)
        nodes.append(
            node(
                "DrivingLicense",
                code=vehicle_class.category.value,
                abbreviation=vehicle_class.abbreviation,
                description=vehicle_class.description,
                issueDate=xml_date(vehicle_class.issue_date),
                validFrom=xml_date(validity.valid_from),
                validTo=xml_date(validity.valid_to),
                status=vehicle_class.status,
            )
        )
    return tuple(nodes)


def _period(validity: Validity | None) -> str:
    if validity is None:
        return ""
    return f"{xml_date(validity.valid_from)} to {xml_date(validity.valid_to)}"


def _display(
    licence: SarathiLicence, status: DocumentStatus
) -> tuple[DisplaySection, ...]:
    holder = licence.holder
    holder_rows = (
        ("Name", holder.name),
        ("Date of birth", xml_date(holder.dob)),
        ("Gender", GENDER_NAMES[holder.gender] if holder.gender else ""),
        ("Blood group", holder.blood_group),
        (_RELATION_LABELS[holder.relation], holder.relative_name),
        ("Address", holder.address.one_line()),
    )
    licence_rows = (
        ("Licence number", licence.number),
        ("Date of first issue", xml_date(licence.issue_date)),
        ("Licensing authority", licence.licensing_authority),
        ("Non-transport validity", _period(licence.non_transport)),
        ("Transport validity", _period(licence.transport)),
        ("Status", status.name.capitalize()),
    )
    classes = tuple(
        (
            vehicle_class.abbreviation,
            vehicle_class.description,
            _CATEGORY_NAMES[vehicle_class.category],
            xml_date(vehicle_class.issue_date),
            xml_date(licence.validity_of(vehicle_class).valid_to),
            _CLASS_STATUS_NAMES.get(vehicle_class.status, vehicle_class.status),
        )
        for vehicle_class in licence.classes
    )

    return (
        DisplaySection(
            "Licence holder", rows=tuple(row for row in holder_rows if row[1])
        ),
        DisplaySection("Licence", rows=tuple(row for row in licence_rows if row[1])),
        DisplaySection(
            "Classes of vehicle",
            columns=_CLASS_COLUMNS,
            table=classes,
        ),
    )


def licence_document(
    licence: SarathiLicence, *, uri: str, issued_by: Organization, today: date
) -> StandardDocument:
    """``licence`` as the locker's standard document, its status as of ``today``."""
    holder = licence.holder
    status = licence_status(licence, today)
    person = Person(
        name=holder.name,
        dob=holder.dob,
        gender=holder.gender,
        father_name=holder.father_name,
        address=holder.address,
        photo=holder.photo,
    )

    return StandardDocument(
        uri=uri,
        doc_type=DOC_TYPE,
        name=DOCUMENT_NAME,
        number=licence.number,
        issued_by=issued_by,
        issued_to=person,
        data=_class_nodes(licence),
        status=status,
        issue_date=licence.issue_date,
        valid_from=min(validity.valid_from for validity in licence.validities),
        expiry_date=max(validity.valid_to for validity in licence.validities),
        issued_at=licence.licensing_authority,
        display=_display(licence, status),
    )
