"""The self-attestation CA: created once, kept private, issuing per signature."""

from __future__ import annotations

import stat
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from services.esign.ca import CERT_FILE, KEY_FILE, LockerCA
from tests.esign.conftest import SIGNED_AT
from tests.esign.samples import TENANT, TENANT_ACCOUNT


def test_created_ca_is_reloaded_unchanged(tmp_path: Path) -> None:
    created = LockerCA.load_or_create(tmp_path, generate=True)

    reloaded = LockerCA.load_or_create(tmp_path, generate=False)

    assert reloaded.certificate_pem == created.certificate_pem
    _, issued = reloaded.issue(
        holder_name=TENANT, account_id=TENANT_ACCOUNT, now=SIGNED_AT
    )
    issued.verify_directly_issued_by(created.certificate)


def test_ca_key_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    LockerCA.load_or_create(tmp_path, generate=True)

    key_mode = stat.S_IMODE((tmp_path / KEY_FILE).stat().st_mode)

    assert key_mode == 0o600
    assert (tmp_path / KEY_FILE).read_bytes().startswith(b"-----BEGIN PRIVATE KEY")
    assert (tmp_path / CERT_FILE).read_bytes() == LockerCA.load_or_create(
        tmp_path, generate=False
    ).certificate_pem


def test_missing_ca_without_generation_names_both_files(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError) as raised:
        LockerCA.load_or_create(tmp_path, generate=False)

    assert str(tmp_path / KEY_FILE) in str(raised.value)
    assert str(tmp_path / CERT_FILE) in str(raised.value)
    assert not (tmp_path / KEY_FILE).exists()


def test_a_lone_ca_key_is_never_replaced(tmp_path: Path) -> None:
    LockerCA.load_or_create(tmp_path, generate=True)
    key_before = (tmp_path / KEY_FILE).read_bytes()
    (tmp_path / CERT_FILE).unlink()

    with pytest.raises(RuntimeError, match=CERT_FILE):
        LockerCA.load_or_create(tmp_path, generate=True)

    assert (tmp_path / KEY_FILE).read_bytes() == key_before
    assert not (tmp_path / CERT_FILE).exists()


def test_unreadable_ca_certificate_is_reported_with_its_file(tmp_path: Path) -> None:
    LockerCA.load_or_create(tmp_path, generate=True)
    (tmp_path / CERT_FILE).write_text("-----BEGIN CERTIFICATE-----\nnope\n")

    with pytest.raises(RuntimeError, match=CERT_FILE):
        LockerCA.load_or_create(tmp_path, generate=False)


def test_certificate_of_another_key_is_refused(tmp_path: Path) -> None:
    LockerCA.load_or_create(tmp_path / "ours", generate=True)
    LockerCA.load_or_create(tmp_path / "theirs", generate=True)
    (tmp_path / "ours" / CERT_FILE).write_bytes(
        (tmp_path / "theirs" / CERT_FILE).read_bytes()
    )

    with pytest.raises(RuntimeError, match="does not belong"):
        LockerCA.load_or_create(tmp_path / "ours", generate=False)


def test_two_threads_creating_at_once_end_with_one_ca(tmp_path: Path) -> None:
    folder = tmp_path / "ca"
    start = threading.Barrier(2)

    def create() -> bytes:
        start.wait()
        return LockerCA.load_or_create(folder, generate=True).certificate_pem

    with ThreadPoolExecutor(max_workers=2) as pool:
        first, second = pool.map(lambda _: create(), range(2))

    assert first == second
    assert (folder / CERT_FILE).read_bytes() == first
    assert sorted(path.name for path in folder.iterdir()) == [
        ".ca.lock",
        CERT_FILE,
        KEY_FILE,
    ]
    LockerCA.load_or_create(folder, generate=False)


def test_ca_certificate_may_only_issue_end_entity_certificates(
    tmp_path: Path,
) -> None:
    before = datetime.now(UTC)

    certificate = LockerCA.load_or_create(
        tmp_path, generate=True, name="Pune Locker Self-Attestation CA"
    ).certificate

    constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints)
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage)
    assert constraints.critical
    assert constraints.value.ca
    assert constraints.value.path_length == 0
    assert usage.value.key_cert_sign
    assert usage.value.crl_sign
    assert not usage.value.digital_signature
    assert certificate.subject == certificate.issuer
    assert _common_name(certificate) == "Pune Locker Self-Attestation CA"
    lifetime = certificate.not_valid_after_utc - before
    assert timedelta(days=3650) <= lifetime <= timedelta(days=3653)


def test_issued_certificate_names_the_resident_and_their_account(
    ca: LockerCA,
) -> None:
    _, certificate = ca.issue(
        holder_name="  Anjali   Deshmukh ", account_id=TENANT_ACCOUNT, now=SIGNED_AT
    )

    user_ids = certificate.subject.get_attributes_for_oid(NameOID.USER_ID)
    assert _common_name(certificate) == "Anjali Deshmukh"
    assert [attribute.value for attribute in user_ids] == [TENANT_ACCOUNT]
    assert certificate.issuer == ca.certificate.subject
    certificate.verify_directly_issued_by(ca.certificate)


def test_issued_certificate_is_for_signing_documents_only(ca: LockerCA) -> None:
    _, certificate = ca.issue(
        holder_name=TENANT, account_id=TENANT_ACCOUNT, now=SIGNED_AT
    )

    constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints)
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert not constraints.value.ca
    assert usage.digital_signature
    assert usage.content_commitment
    assert not usage.key_cert_sign
    assert not usage.key_encipherment


def test_issued_certificate_lasts_as_long_as_the_ca(ca: LockerCA) -> None:
    _, certificate = ca.issue(
        holder_name=TENANT, account_id=TENANT_ACCOUNT, now=SIGNED_AT
    )

    assert certificate.not_valid_before_utc == SIGNED_AT - timedelta(minutes=5)
    assert certificate.not_valid_after_utc == ca.certificate.not_valid_after_utc


def test_every_signature_gets_a_fresh_key_and_serial(ca: LockerCA) -> None:
    first_key, first = ca.issue(
        holder_name=TENANT, account_id=TENANT_ACCOUNT, now=SIGNED_AT
    )
    second_key, second = ca.issue(
        holder_name=TENANT, account_id=TENANT_ACCOUNT, now=SIGNED_AT
    )

    assert isinstance(first_key, ec.EllipticCurvePrivateKey)
    assert first_key.public_key() != second_key.public_key()
    assert first.serial_number != second.serial_number


def test_names_longer_than_x520_allows_are_cut_to_64_characters(
    ca: LockerCA,
) -> None:
    long_name = (
        "Venkata Lakshmi Narasimha Subrahmanya Sastry Chakravarthula Ramachandra Murthy"
    )

    _, certificate = ca.issue(
        holder_name=long_name, account_id=TENANT_ACCOUNT, now=SIGNED_AT
    )

    assert _common_name(certificate) == long_name[:64]


@pytest.mark.parametrize(
    ("holder_name", "account_id", "now"),
    [
        ("   ", TENANT_ACCOUNT, SIGNED_AT),
        (TENANT, "", SIGNED_AT),
        (TENANT, TENANT_ACCOUNT, SIGNED_AT.replace(tzinfo=None)),
    ],
)
def test_issuing_needs_a_name_an_account_and_an_aware_time(
    ca: LockerCA, holder_name: str, account_id: str, now: datetime
) -> None:
    with pytest.raises(ValueError, match=r"holder's name|timezone-aware"):
        ca.issue(holder_name=holder_name, account_id=account_id, now=now)


def test_an_expired_ca_issues_nothing(ca: LockerCA) -> None:
    after_expiry = ca.certificate.not_valid_after_utc + timedelta(days=1)

    with pytest.raises(RuntimeError, match="expired"):
        ca.issue(holder_name=TENANT, account_id=TENANT_ACCOUNT, now=after_expiry)


def _common_name(certificate: x509.Certificate) -> str:
    (attribute,) = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(attribute.value)
