"""The income-tax department as an issuer: PAN verification records.

A resident finds their record by typing the PAN with the name and date of birth
on the card. ``find`` puts those to the department's newer verification, which
only confirms or denies; the record is the resident's when the department
confirms both and both also name the resident's verified identity.

``fetch`` asks the long-standing online verification for the PAN's caret line
and renders it as a ``PANVerificationRecord``. The department's status letter
becomes the document's status:

    E, EA, EC, ED, EI, EL, EM, EP, ES, EU   ACTIVE     valid (events only mark it)
    I                                       SUSPENDED  inoperative until linked
    X, D                                    REVOKED    deactivated or deleted
    F, N                                    no document: ``RecordNotFound``
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import ClassVar

from stdnum.in_ import pan as pan_number

from adapters.builtin.pan.answers import (
    DEPARTMENT_DATE,
    HolderVerification,
    OnlineVerification,
    valid_pan,
)
from adapters.builtin.pan.department import (
    DATA_DIR,
    IncomeTaxDepartment,
    RejectedRequestError,
)
from adapters.builtin.pan.status import Flag, PanStatus
from adapters.sdk import (
    Address,
    DateField,
    DisplaySection,
    DocTypeSpec,
    DocumentStatus,
    DocumentUri,
    FindResult,
    Identity,
    IdentityVerdict,
    InvalidLookup,
    IssuerAdapter,
    IssuerUnavailable,
    LookupField,
    Organization,
    OrganizationType,
    Person,
    RecordNotFound,
    StandardDocument,
    make_uri,
    names_match,
    node,
    xml_date,
)

logger = logging.getLogger(__name__)

DOC_TYPE = "PANCR"
DOC_NAME = "PAN Verification Record"
INDIA = timezone(timedelta(hours=5, minutes=30), "IST")

DOCUMENT_STATUS: Mapping[PanStatus, DocumentStatus] = {
    **{status: DocumentStatus.ACTIVE for status in PanStatus if status.is_valid},
    PanStatus.INOPERATIVE: DocumentStatus.SUSPENDED,
    PanStatus.DEACTIVATED: DocumentStatus.REVOKED,
    PanStatus.DELETED: DocumentStatus.REVOKED,
}


class PanField(LookupField):
    """The PAN, upper-cased and checked with python-stdnum beyond its pattern."""

    def clean(self, raw: str | None) -> str:
        value = super().clean(raw)
        try:
            pan_number.validate(value)
        except ValueError:
            raise InvalidLookup(_pan_problem(value), field=self.name) from None

        return value


class PanAdapter(IssuerAdapter):
    """The Income Tax Department's PAN verification records (``PANCR``).

    ``data_dir`` points the simulated department at other records (tests), and
    ``today`` says what day a record is verified on (India's date by default).
    """

    issuer_id: ClassVar[str] = "in.gov.pan"
    name: ClassVar[str] = "Income Tax Department"
    organization: ClassVar[Organization] = Organization(
        name="Income Tax Department",
        code="ITD",
        type=OrganizationType.CENTRAL_GOVERNMENT,
        address=Address(
            line1="North Block",
            vtc="New Delhi",
            district="New Delhi",
            state="Delhi",
            pin="110001",
        ),
    )
    doc_types: ClassVar[tuple[DocTypeSpec, ...]] = (
        DocTypeSpec(
            code=DOC_TYPE,
            name=DOC_NAME,
            description=(
                "The Income Tax Department's record of a Permanent Account "
                "Number: holder, status and Aadhaar seeding, verified on the day."
            ),
            lookup_fields=(
                PanField(
                    name="pan",
                    label="PAN",
                    example="AAAPZ1234C",
                    pattern=r"[A-Z]{5}[0-9]{4}[A-Z]",
                    description="The 10-character Permanent Account Number.",
                    uppercase=True,
                ),
                LookupField(
                    name="fullName",
                    label="Name",
                    example="Rohan Mehta",
                    pattern=r"[A-Za-z][A-Za-z .'-]{0,98}",
                    description="Your name exactly as printed on the PAN card.",
                ),
                DateField(
                    name="dateOfBirth",
                    label="Date of birth",
                    example="21-07-1998",
                    description=(
                        "As on the PAN card: DD-MM-YYYY, DD/MM/YYYY or YYYY-MM-DD."
                    ),
                ),
            ),
        ),
    )

    def __init__(
        self,
        *,
        data_dir: Path = DATA_DIR,
        today: Callable[[], date] | None = None,
    ) -> None:
        self._department = IncomeTaxDepartment.load(data_dir)
        self._today = today or _india_today

    async def find(
        self, doc_type: str, lookup: Mapping[str, str], identity: Identity
    ) -> FindResult:
        """Ask the department whether the typed holder is the PAN's; see the module."""
        values = self.doc_type(doc_type).clean_lookup(lookup)
        pan, typed_name = values["pan"], values["fullName"]
        typed_dob = date.fromisoformat(values["dateOfBirth"])

        answer = self._verify_holder(pan, typed_name, typed_dob)
        if not answer.pan_status.is_on_record:
            logger.debug(
                "PAN %s is not on record (status %s)",
                pan_number.mask(pan),
                answer.pan_status,
            )
            raise RecordNotFound(_not_held(pan))

        name_confirmed = answer.name is Flag.YES
        dob_confirmed = answer.dob is Flag.YES
        verdict = IdentityVerdict(
            name_matches=name_confirmed and names_match(typed_name, identity.name),
            dob_matches=dob_confirmed and typed_dob == identity.dob,
        )

        return FindResult(uri=make_uri(self.issuer_id, DOC_TYPE, pan), verdict=verdict)

    async def fetch(self, uri: str) -> StandardDocument:
        """The PAN's record as the online verification answers it today."""
        pan = self._pan_of(uri)
        answer = self._department.verify_online(pan)
        status = DOCUMENT_STATUS.get(answer.status)
        if status is None:
            logger.debug(
                "PAN %s has no record (status %s)", pan_number.mask(pan), answer.status
            )
            raise RecordNotFound(_not_held(pan))

        return self._document(uri, answer, status)

    def _verify_holder(
        self, pan: str, typed_name: str, typed_dob: date
    ) -> HolderVerification:
        try:
            return self._department.verify_holder(
                pan=pan, name=typed_name, dob=typed_dob.strftime(DEPARTMENT_DATE)
            )
        except RejectedRequestError as error:
            # The request is built here, so a refusal is this adapter's bug; the
            # reason names the resident's date of birth and stays out of the log.
            logger.error("The department refused a holder verification request")
            raise IssuerUnavailable(
                "The Income Tax Department could not answer; try again later."
            ) from error

    def _pan_of(self, uri: str) -> str:
        try:
            parsed = DocumentUri.parse(uri)
        except ValueError as error:
            raise RecordNotFound(str(error)) from error
        if parsed.issuer_id != self.issuer_id or parsed.doc_type != DOC_TYPE:
            raise RecordNotFound(f"{self.name} has no document {uri}.")
        try:
            return valid_pan(parsed.doc_id)
        except ValueError as error:
            raise RecordNotFound(f"{self.name} has no document {uri}.") from error

    def _document(
        self, uri: str, answer: OnlineVerification, status: DocumentStatus
    ) -> StandardDocument:
        verified_on = xml_date(self._today())
        holder_name = answer.name_on_card or answer.full_name
        last_updated = xml_date(answer.last_updated) if answer.last_updated else ""
        seeding = answer.seeding_status

        record = node(
            "PANVerificationRecord",
            num=answer.pan,
            verifiedOn=verified_on,
            status=answer.status.value,
            statusDescription=answer.status.description,
            lastUpdated=last_updated,
            aadhaarSeeding=seeding.value if seeding else None,
        )
        rows = (
            ("PAN", answer.pan),
            ("Name", holder_name),
            ("Status", f"{answer.status.value}: {answer.status.description}"),
            ("Aadhaar seeding", seeding.description if seeding else "Not stated"),
            ("Last updated", last_updated or "Not stated"),
            ("Verified on", verified_on),
        )

        return StandardDocument(
            uri=uri,
            doc_type=DOC_TYPE,
            name=DOC_NAME,
            number=answer.pan,
            issued_by=self.organization,
            issued_to=Person(name=holder_name, title=answer.title),
            data=(record,),
            status=status,
            display=(DisplaySection(title=DOC_NAME, rows=rows),),
        )


def _india_today() -> date:
    return datetime.now(INDIA).date()


def _not_held(pan: str) -> str:
    return (
        f"The Income Tax Department holds no valid PAN {pan}. "
        "Check the number on your PAN card."
    )


def _pan_problem(pan: str) -> str:
    """Say, for a PAN that has the pattern but fails stdnum, what is wrong."""
    if pan[5:9] == "0000":
        return f"PAN {pan} is not valid: its four digits run from 0001 to 9999."

    return (
        f"PAN {pan} is not valid: its 4th letter, {pan[3]}, should say who holds "
        "it (P for a person, C for a company, F for a firm, H for a Hindu "
        "undivided family, A, B, G, J, L or T for other holders)."
    )
