"""The transport department as an issuer: driving licences and registrations.

Licences come from Sarathi and registrations from Vahan, each kept in
``data/`` as the system hands its records out (``sarathi_licences.json``, a
list of Sarathi answers; ``vahan_registrations.json``, a list of Vahan
records). Both files are read once, when the adapter is built.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import ClassVar

from adapters.builtin.transport import licence, registration
from adapters.builtin.transport.dates import TYPED_DATE_FORMS
from adapters.builtin.transport.identifiers import (
    CHASSIS_SUFFIX_LENGTH,
    CHASSIS_SUFFIX_TYPED,
    LICENCE_NUMBER_TYPED,
    REGISTRATION_NUMBER_TYPED,
    compact,
)
from adapters.builtin.transport.sarathi import SarathiLicence, load_sarathi
from adapters.builtin.transport.vahan import VahanRegistration, load_vahan
from adapters.sdk import (
    Address,
    DateField,
    DocTypeSpec,
    DocumentUri,
    FindResult,
    Holder,
    Identity,
    IssuerAdapter,
    LookupField,
    Organization,
    OrganizationType,
    RecordNotFound,
    StandardDocument,
    make_uri,
)

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).with_name("data")
SARATHI_FILE = "sarathi_licences.json"
VAHAN_FILE = "vahan_registrations.json"

LICENCE_FIELDS = (
    LookupField(
        name="licenceNumber",
        label="Driving licence number",
        example="MH12 20160012345",
        pattern=LICENCE_NUMBER_TYPED,
        description=(
            "The 15-character number on the licence: state, RTO, year of issue "
            "and serial. Spaces and hyphens are ignored."
        ),
        uppercase=True,
    ),
    DateField(
        name="dateOfBirth",
        label="Date of birth",
        example="21-07-1998",
        description=f"The holder's date of birth as {TYPED_DATE_FORMS}.",
    ),
)
REGISTRATION_FIELDS = (
    LookupField(
        name="registrationNumber",
        label="Registration number",
        example="MH12AB1234",
        pattern=REGISTRATION_NUMBER_TYPED,
        description="The number on the number plate. Spaces and hyphens are ignored.",
        uppercase=True,
    ),
    LookupField(
        name="chassisLast5",
        label="Last five characters of the chassis number",
        example="12345",
        pattern=CHASSIS_SUFFIX_TYPED,
        description="As printed on the registration certificate or the chassis.",
        uppercase=True,
    ),
)


class TransportAdapter(IssuerAdapter):
    """The Ministry of Road Transport and Highways: licences and registrations.

    ``DRVLC`` finds a driving licence by ``licenceNumber`` and ``dateOfBirth``
    and answers the holder as Sarathi knows them. ``RVCER`` finds a
    registration by ``registrationNumber`` and ``chassisLast5`` and answers the
    owner's name only: Vahan keeps no date of birth.

    Build it with no arguments. ``data_dir`` points at other record files and
    ``today`` replaces the calendar, both for tests.
    """

    issuer_id: ClassVar[str] = "in.gov.transport"
    name: ClassVar[str] = "Ministry of Road Transport and Highways"
    organization: ClassVar[Organization] = Organization(
        name="Ministry of Road Transport and Highways",
        code="MORTH",
        type=OrganizationType.CENTRAL_GOVERNMENT,
        address=Address(
            line1="Transport Bhawan",
            line2="Parliament Street",
            vtc="New Delhi",
            district="New Delhi",
            state="Delhi",
            pin="110001",
        ),
    )
    doc_types: ClassVar[tuple[DocTypeSpec, ...]] = (
        DocTypeSpec(
            code=licence.DOC_TYPE,
            name=licence.DOCUMENT_NAME,
            description="A driving licence issued by a state transport department.",
            lookup_fields=LICENCE_FIELDS,
        ),
        DocTypeSpec(
            code=registration.DOC_TYPE,
            name="Registration of Vehicles",
            description="A motor vehicle's registration certificate (RC).",
            lookup_fields=REGISTRATION_FIELDS,
        ),
    )

    def __init__(
        self,
        *,
        data_dir: Path | None = None,
        today: Callable[[], date] = date.today,
    ) -> None:
        folder = data_dir or DATA_DIR
        self._licences: Mapping[str, SarathiLicence] = load_sarathi(
            folder / SARATHI_FILE
        )
        self._registrations: Mapping[str, VahanRegistration] = load_vahan(
            folder / VAHAN_FILE
        )
        self._today = today

        logger.info(
            "transport adapter ready with %d licences and %d registrations",
            len(self._licences),
            len(self._registrations),
        )

    async def find(
        self, doc_type: str, lookup: Mapping[str, str], identity: Identity
    ) -> FindResult:
        """Find a licence or registration; see the class docstring."""
        if doc_type == licence.DOC_TYPE:
            return self._find_licence(lookup)
        if doc_type == registration.DOC_TYPE:
            return self._find_registration(lookup)

        raise RecordNotFound(f"{self.name} does not issue {doc_type!r}.")

    async def fetch(self, uri: str) -> StandardDocument:
        """The licence or registration ``uri`` names; ``RecordNotFound`` if none."""
        try:
            parsed = DocumentUri.parse(uri)
        except ValueError as error:
            raise RecordNotFound(str(error)) from error
        if parsed.issuer_id != self.issuer_id:
            raise RecordNotFound(f"{self.name} has no document {uri}.")

        if parsed.doc_type == licence.DOC_TYPE:
            found_licence = self._licences.get(parsed.doc_id)
            if found_licence is not None:
                return licence.licence_document(
                    found_licence,
                    uri=uri,
                    issued_by=self.organization,
                    today=self._today(),
                )
        if parsed.doc_type == registration.DOC_TYPE:
            found_registration = self._registrations.get(parsed.doc_id)
            if found_registration is not None:
                return registration.registration_document(
                    found_registration, uri=uri, issued_by=self.organization
                )

        raise RecordNotFound(f"{self.name} has no document {uri}.")

    def _find_licence(self, lookup: Mapping[str, str]) -> FindResult:
        number = compact(lookup["licenceNumber"])
        birth_date = date.fromisoformat(lookup["dateOfBirth"])

        found = self._licences.get(number)
        # Sarathi answers "no record" for a wrong date of birth too, so that a
        # licence number alone does not reveal whether the licence exists.
        if found is None or found.holder.dob != birth_date:
            logger.debug("no Sarathi licence matches the lookup")
            raise RecordNotFound(
                f"No driving licence {number} was found for that date of birth. "
                "Check both against the licence card and try again."
            )

        holder = found.holder
        return FindResult(
            uri=make_uri(self.issuer_id, licence.DOC_TYPE, found.number),
            holder=Holder(name=holder.name, dob=holder.dob, gender=holder.gender),
        )

    def _find_registration(self, lookup: Mapping[str, str]) -> FindResult:
        number = compact(lookup["registrationNumber"])
        chassis_suffix = compact(lookup["chassisLast5"])

        found = self._registrations.get(number)
        if (
            found is None
            or len(chassis_suffix) != CHASSIS_SUFFIX_LENGTH
            or not found.vehicle.chassis_number.endswith(chassis_suffix)
        ):
            logger.debug("no Vahan registration matches the lookup")
            raise RecordNotFound(
                f"No registration {number} was found with that chassis number. "
                "Check both against the registration certificate and try again."
            )

        # Vahan keeps no date of birth: the locker can match the owner by name only
        return FindResult(
            uri=make_uri(self.issuer_id, registration.DOC_TYPE, found.number),
            holder=Holder(name=found.owner_name, dob=None),
        )
