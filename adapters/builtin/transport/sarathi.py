"""Sarathi, the driving-licence system: its answer, and the licence it maps to.

Sarathi answers a licence search with a JSON object whose ``dldetobj[0]``
holds:

- ``dlobj``: the licence — ``dlLicno``, ``dlIssuedt``, the non-transport
  validity ``dlNtValdfrDt``/``dlNtValdtoDt``, the transport validity
  ``dlTrValdfrDt``/``dlTrValdtoDt``, ``dlStatus``, the licensing authority
  ``olaName``, ``dlRtoCode`` and ``statecd``;
- ``dlcovs``: one entry per class of vehicle — ``covabbrv`` (sometimes padded
  with spaces), ``covdesc``, ``dcIssuedt``, ``dcCovStatus`` (``A`` active) and
  ``vecatg``, ``NT`` or ``TR``;
- ``bioObj``: the holder — ``bioFullName``, ``bioDob``, ``bioGenderDesc``,
  ``bioBloodGroupname``, the relative ``bioSwdFullName`` with
  ``bioDependentRelation`` (``S/O``, ``D/O`` or ``W/O``), and the permanent
  address ``bioPermAdd1``..``3``, ``bioPermSdName``, ``bioPermDistName``,
  ``bioPermPin``;
- ``bioImgObj``: the photo ``biPhoto`` as base64, or ``null``;
- ``errorcd`` and ``erormsg`` (sic): ``0`` when the licence was found,
  otherwise Sarathi's reason for having no record.

Dates come in any of four forms (see ``dates``), even within one answer.
"""

from __future__ import annotations

import base64
import binascii
import enum
import json
import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from adapters.builtin.transport.identifiers import LICENCE_NUMBER, compact
from adapters.builtin.transport.records import MalformedRecordError, RecordReader
from adapters.builtin.transport.states import state_name
from adapters.sdk import Address, Gender, Photo

logger = logging.getLogger(__name__)

_GENDERS = {
    "MALE": Gender.MALE,
    "M": Gender.MALE,
    "1": Gender.MALE,
    "FEMALE": Gender.FEMALE,
    "F": Gender.FEMALE,
    "2": Gender.FEMALE,
    "TRANSGENDER": Gender.TRANSGENDER,
    "T": Gender.TRANSGENDER,
    "3": Gender.TRANSGENDER,
}

# Classes Sarathi counts as transport when a record leaves ``vecatg`` blank.
_TRANSPORT_CLASSES = frozenset(
    {"TRANS", "LMV-TR", "HGMV", "HPMV", "HMV", "HTV", "MGV", "MPMV", "LGV", "MMV"}
)


class LicenceCategory(enum.StrEnum):
    """Whether a class of vehicle is driven privately or for hire."""

    NON_TRANSPORT = "NT"
    TRANSPORT = "TR"


_CATEGORY_WORDS = {
    LicenceCategory.NON_TRANSPORT: "non-transport",
    LicenceCategory.TRANSPORT: "transport",
}


class Relation(enum.StrEnum):
    """How the relative Sarathi names is related to the holder."""

    SON_OF = "S/O"
    DAUGHTER_OF = "D/O"
    WIFE_OF = "W/O"
    UNSTATED = ""


@dataclass(frozen=True)
class Validity:
    """A period in which the licence authorises driving, both days included."""

    valid_from: date
    valid_to: date

    def has_ended(self, today: date) -> bool:
        return self.valid_to < today


@dataclass(frozen=True)
class VehicleClass:
    """One class of vehicle the licence covers (``dlcovs[]``)."""

    abbreviation: str
    description: str
    category: LicenceCategory
    issue_date: date
    status: str


@dataclass(frozen=True)
class LicenceHolder:
    """The holder as Sarathi's ``bioObj`` and ``bioImgObj`` describe them."""

    name: str
    dob: date
    gender: Gender | None
    blood_group: str
    relation: Relation
    relative_name: str
    address: Address
    photo: Photo | None

    @property
    def father_name(self) -> str:
        """The relative's name when Sarathi says it is the father's."""
        if self.relation in (Relation.SON_OF, Relation.DAUGHTER_OF):
            return self.relative_name
        return ""


@dataclass(frozen=True)
class SarathiLicence:
    """A driving licence as Sarathi holds it, typed."""

    number: str
    issue_date: date
    status: str
    licensing_authority: str
    rto_code: str
    state_code: str
    non_transport: Validity | None
    transport: Validity | None
    classes: tuple[VehicleClass, ...]
    holder: LicenceHolder

    @property
    def validities(self) -> tuple[Validity, ...]:
        """The validities the licence has, non-transport first."""
        return tuple(
            validity
            for validity in (self.non_transport, self.transport)
            if validity is not None
        )

    def validity_of(self, vehicle_class: VehicleClass) -> Validity:
        """The validity that applies to ``vehicle_class``."""
        validity = (
            self.transport
            if vehicle_class.category is LicenceCategory.TRANSPORT
            else self.non_transport
        )
        # the parser refuses a licence whose classes lack their validity
        assert validity is not None

        return validity


def _validity(licence: RecordReader, start: str, end: str) -> Validity | None:
    valid_from, valid_to = licence.optional_date(start), licence.optional_date(end)
    if valid_from is None and valid_to is None:
        return None
    if valid_from is None or valid_to is None or valid_to < valid_from:
        raise MalformedRecordError(
            f"{licence.path}: {start} and {end} must both be dates, "
            f"the first not after the second"
        )

    return Validity(valid_from, valid_to)


def _vehicle_class(cov: RecordReader) -> VehicleClass:
    abbreviation = cov.text("covabbrv")
    written = cov.optional_text("vecatg").upper()
    if written in {category.value for category in LicenceCategory}:
        category = LicenceCategory(written)
    elif abbreviation.upper() in _TRANSPORT_CLASSES:
        category = LicenceCategory.TRANSPORT
    else:
        category = LicenceCategory.NON_TRANSPORT

    return VehicleClass(
        abbreviation=abbreviation,
        description=cov.text("covdesc"),
        category=category,
        issue_date=cov.date("dcIssuedt"),
        status=cov.text("dcCovStatus"),
    )


def _gender(bio: RecordReader) -> Gender | None:
    for name in ("bioGenderDesc", "bioGender"):
        if bio.has(name):
            gender = _GENDERS.get(bio.text(name).upper())
            if gender is None:
                raise bio.fail(name, "Male, Female or Transgender")
            return gender
    return None


def _relation(bio: RecordReader) -> Relation:
    written = bio.optional_text("bioDependentRelation").upper()
    if written not in {relation.value for relation in Relation}:
        raise bio.fail("bioDependentRelation", "S/O, D/O or W/O")

    return Relation(written)


def _permanent_address(bio: RecordReader, state_code: str) -> Address:
    pin = str(bio.integer("bioPermPin")) if bio.has("bioPermPin") else ""

    return Address(
        line1=bio.optional_text("bioPermAdd1"),
        line2=bio.optional_text("bioPermAdd2"),
        locality=bio.optional_text("bioPermAdd3"),
        vtc=bio.optional_text("bioPermSdName"),
        district=bio.optional_text("bioPermDistName"),
        pin=pin,
        state=state_name(state_code),
    )


def _photo(image: RecordReader | None) -> Photo | None:
    if image is None or not image.has("biPhoto"):
        return None
    try:
        content = base64.b64decode(image.text("biPhoto"), validate=True)
    except binascii.Error as error:
        raise image.fail("biPhoto", "a base64 image") from error

    if content.startswith(b"\xff\xd8\xff"):
        return Photo(format="JPG", content=content)
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return Photo(format="PNG", content=content)
    return Photo(format="RAW", content=content)


def _holder(detail: RecordReader, state_code: str) -> LicenceHolder:
    bio = detail.child("bioObj")

    return LicenceHolder(
        name=" ".join(bio.text("bioFullName").split()),
        dob=bio.date("bioDob"),
        gender=_gender(bio),
        blood_group=bio.optional_text("bioBloodGroupname"),
        relation=_relation(bio),
        relative_name=bio.optional_text("bioSwdFullName"),
        address=_permanent_address(bio, state_code),
        photo=_photo(detail.optional_child("bioImgObj")),
    )


def _licence_number(licence: RecordReader) -> str:
    number = compact(licence.text("dlLicno"))
    if LICENCE_NUMBER.fullmatch(number) is None:
        raise licence.fail("dlLicno", "a 15-character licence number")
    return number


def _check_classes_are_valid(
    path: str,
    classes: tuple[VehicleClass, ...],
    non_transport: Validity | None,
    transport: Validity | None,
) -> None:
    if not classes:
        raise MalformedRecordError(f"{path}.dlcovs: a licence needs a class of vehicle")
    validity_of = {
        LicenceCategory.NON_TRANSPORT: non_transport,
        LicenceCategory.TRANSPORT: transport,
    }
    for vehicle_class in classes:
        if validity_of[vehicle_class.category] is None:
            kind = _CATEGORY_WORDS[vehicle_class.category]
            raise MalformedRecordError(
                f"{path}: class {vehicle_class.abbreviation} is a {kind} class "
                f"but the licence has no {kind} validity"
            )


def parse_sarathi_response(
    raw: object, path: str = "response"
) -> SarathiLicence | None:
    """Map one Sarathi answer to a ``SarathiLicence``.

    Answers ``None`` when Sarathi reports that it has no record (a non-zero
    ``errorcd``); raises ``MalformedRecordError`` naming the field when the answer
    does not have Sarathi's shape.
    """
    detail_list = RecordReader.of(raw, path).children("dldetobj")
    if not detail_list:
        raise MalformedRecordError(f"{path}.dldetobj: expected one licence, got none")
    detail = detail_list[0]
    if detail.has("errorcd") and detail.integer("errorcd") != 0:
        return None

    licence = detail.child("dlobj")
    number = _licence_number(licence)
    state_code = licence.optional_text("statecd") or number[:2]
    non_transport = _validity(licence, "dlNtValdfrDt", "dlNtValdtoDt")
    transport = _validity(licence, "dlTrValdfrDt", "dlTrValdtoDt")
    classes = tuple(_vehicle_class(cov) for cov in detail.children("dlcovs"))
    _check_classes_are_valid(path, classes, non_transport, transport)

    return SarathiLicence(
        number=number,
        issue_date=licence.date("dlIssuedt"),
        status=licence.optional_text("dlStatus"),
        licensing_authority=licence.text("olaName"),
        rto_code=licence.optional_text("dlRtoCode"),
        state_code=state_code,
        non_transport=non_transport,
        transport=transport,
        classes=classes,
        holder=_holder(detail, state_code),
    )


def load_sarathi(path: Path) -> dict[str, SarathiLicence]:
    """Read a file holding a JSON list of Sarathi answers, keyed by licence number.

    Answers reporting no record are skipped; a malformed answer or a licence
    number seen twice raises ``MalformedRecordError`` naming the file and the entry.
    """
    answers = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(answers, list):
        raise MalformedRecordError(
            f"{path.name}: expected a JSON list of Sarathi answers"
        )

    licences: dict[str, SarathiLicence] = {}
    for index, answer in enumerate(answers):
        licence = parse_sarathi_response(answer, f"{path.name}[{index}]")
        if licence is None:
            continue
        if licence.number in licences:
            raise MalformedRecordError(
                f"{path.name}[{index}]: licence {licence.number} appears twice"
            )
        licences[licence.number] = licence

    logger.debug("read %d Sarathi licences from %s", len(licences), path.name)
    return licences
