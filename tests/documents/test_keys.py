"""Issuers' signing keys: generated once, kept private, reloaded unchanged."""

from __future__ import annotations

import shutil
import stat
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from services.documents.errors import IssuerKeyError, MissingIssuerKey
from services.documents.keys import IssuerKey, IssuerKeyStore


def test_generated_key_is_reloaded_with_the_same_certificate(
    key_store: IssuerKeyStore, cbse_key: IssuerKey
) -> None:
    reopened = IssuerKeyStore(key_store.keys_dir, generate=False)

    reloaded = reopened.key_for("in.gov.cbse", "Central Board of Secondary Education")

    assert reloaded.certificate == cbse_key.certificate
    assert reloaded.certificate_pem == cbse_key.certificate_pem
    assert (
        reloaded.private_key.private_numbers() == cbse_key.private_key.private_numbers()
    )


def test_key_files_are_named_for_the_issuer(cbse_key: IssuerKey) -> None:
    assert cbse_key.key_path.name == "in.gov.cbse.key.pem"
    assert cbse_key.cert_path.name == "in.gov.cbse.cert.pem"
    assert cbse_key.cert_path.read_bytes() == cbse_key.certificate_pem


def test_private_key_file_is_readable_by_its_owner_only(cbse_key: IssuerKey) -> None:
    mode = stat.S_IMODE(cbse_key.key_path.stat().st_mode)

    assert mode == 0o600


def test_generated_key_is_rsa_3072(cbse_key: IssuerKey) -> None:
    assert isinstance(cbse_key.private_key, rsa.RSAPrivateKey)
    assert cbse_key.private_key.key_size == 3072


def test_certificate_names_the_issuer_and_is_for_signing_only(
    cbse_key: IssuerKey,
) -> None:
    certificate = cbse_key.certificate

    common_name = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    organisation = certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    assert common_name[0].value == "Central Board of Secondary Education"
    assert organisation[0].value == "Central Board of Secondary Education"
    assert certificate.issuer == certificate.subject
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature
    assert usage.content_commitment
    assert not usage.key_cert_sign
    constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints)
    assert constraints.value.ca is False


def test_certificate_is_valid_for_five_years(cbse_key: IssuerKey) -> None:
    certificate = cbse_key.certificate

    lifetime = certificate.not_valid_after_utc - certificate.not_valid_before_utc

    assert timedelta(days=5 * 365) <= lifetime <= timedelta(days=5 * 366)


def test_each_issuer_gets_its_own_key(
    cbse_key: IssuerKey, other_key: IssuerKey
) -> None:
    assert cbse_key.certificate != other_key.certificate
    assert cbse_key.certificate.serial_number != other_key.certificate.serial_number


def test_store_answers_the_same_key_from_memory(
    key_store: IssuerKeyStore, cbse_key: IssuerKey
) -> None:
    again = key_store.key_for("in.gov.cbse", "Central Board of Secondary Education")

    assert again is cbse_key


def test_missing_key_is_an_error_naming_the_files_when_generation_is_off(
    tmp_path: Path,
) -> None:
    store = IssuerKeyStore(tmp_path, generate=False)

    with pytest.raises(MissingIssuerKey) as missing:
        store.key_for("in.gov.transport", "Transport Department")

    message = str(missing.value)
    assert str(tmp_path / "in.gov.transport.key.pem") in message
    assert str(tmp_path / "in.gov.transport.cert.pem") in message
    assert list(tmp_path.iterdir()) == []


def test_certificate_of_another_key_is_refused(
    tmp_path: Path, cbse_key: IssuerKey, other_key: IssuerKey
) -> None:
    shutil.copy(cbse_key.key_path, tmp_path / "in.gov.cbse.key.pem")
    shutil.copy(other_key.cert_path, tmp_path / "in.gov.cbse.cert.pem")
    store = IssuerKeyStore(tmp_path, generate=False)

    with pytest.raises(IssuerKeyError) as refused:
        store.key_for("in.gov.cbse", "Central Board of Secondary Education")

    assert "does not belong" in str(refused.value)


def test_unreadable_key_file_is_an_issuer_key_error(tmp_path: Path) -> None:
    (tmp_path / "in.gov.cbse.key.pem").write_bytes(b"not a key")
    (tmp_path / "in.gov.cbse.cert.pem").write_bytes(b"not a certificate")
    store = IssuerKeyStore(tmp_path, generate=False)

    with pytest.raises(IssuerKeyError):
        store.key_for("in.gov.cbse", "Central Board of Secondary Education")


def test_issuer_id_that_could_escape_the_folder_is_refused(tmp_path: Path) -> None:
    store = IssuerKeyStore(tmp_path, generate=True)

    with pytest.raises(ValueError, match="issuer id"):
        store.key_for("../../etc/cron.d", "Intruder")


def test_stores_generating_at_the_same_time_end_up_with_one_key(tmp_path: Path) -> None:
    stores = [IssuerKeyStore(tmp_path, generate=True) for _ in range(3)]

    with ThreadPoolExecutor(max_workers=3) as pool:
        keys = list(
            pool.map(lambda store: store.key_for("in.gov.uidai", "UIDAI"), stores)
        )

    assert keys[0].certificate == keys[1].certificate == keys[2].certificate
    assert sorted(path.name for path in tmp_path.glob("*.pem")) == [
        "in.gov.uidai.cert.pem",
        "in.gov.uidai.key.pem",
    ]
