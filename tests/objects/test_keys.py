"""The master key: its settings text, and what it accepts as a master key."""

from __future__ import annotations

import base64

import pytest
import tink  # type: ignore[import-untyped, unused-ignore]
from tink import aead, daead, secret_key_access  # type: ignore[import-untyped, unused-ignore]

from services.objects import InvalidMasterKey, MasterKey, WrappedKeyRejected
from services.objects.encryption import DATA_KEY_TEMPLATE

daead.register()


def new_data_keyset() -> tink.KeysetHandle:
    return tink.new_keyset_handle(DATA_KEY_TEMPLATE)


def test_master_key_read_from_its_secret_unwraps_what_it_wrapped() -> None:
    master = MasterKey.generate()
    wrapped = master.wrap(new_data_keyset())

    restored = MasterKey.from_secret(master.to_secret())

    assert restored.unwrap(wrapped).keyset_info().key_info
    assert restored.to_secret() == master.to_secret()


def test_master_key_accepts_tinks_json_keyset_form() -> None:
    keyset = tink.new_keyset_handle(aead.aead_key_templates.AES256_GCM)
    json_form = tink.json_proto_keyset_format.serialize(keyset, secret_key_access.TOKEN)
    wrapped = MasterKey(keyset).wrap(new_data_keyset())

    master = MasterKey.from_secret(f"\n{json_form}\n")

    assert master.unwrap(wrapped).keyset_info().key_info


@pytest.mark.parametrize(
    "secret",
    ["", "not base64 at all!", base64.b64encode(b"random bytes").decode(), "{}"],
    ids=["empty", "not-base64", "not-a-keyset", "empty-json"],
)
def test_master_key_refuses_a_secret_that_is_not_a_keyset(secret: str) -> None:
    with pytest.raises(InvalidMasterKey, match=r"MasterKey\.generate"):
        MasterKey.from_secret(secret)


@pytest.mark.parametrize(
    ("template", "complaint"),
    [
        (aead.aead_key_templates.AES128_GCM, "128-bit"),
        (aead.aead_key_templates.AES256_CTR_HMAC_SHA256, "AES256_GCM keys only"),
        (daead.deterministic_aead_key_templates.AES256_SIV, "AES256_GCM keys only"),
    ],
    ids=["aes128-gcm", "aes256-ctr-hmac", "aes256-siv"],
)
def test_master_key_refuses_keysets_other_than_aes256_gcm(
    template: object, complaint: str
) -> None:
    keyset = tink.new_keyset_handle(template)
    secret = base64.b64encode(
        tink.proto_keyset_format.serialize(keyset, secret_key_access.TOKEN)
    ).decode()

    with pytest.raises(InvalidMasterKey, match=complaint):
        MasterKey.from_secret(secret)


def test_master_key_refuses_a_key_another_master_wrapped() -> None:
    wrapped = MasterKey.generate().wrap(new_data_keyset())

    with pytest.raises(WrappedKeyRejected):
        MasterKey.generate().unwrap(wrapped)


def test_master_key_repr_shows_no_key_material() -> None:
    master = MasterKey.generate()

    shown = repr(master)

    assert shown.startswith("MasterKey(primary_key_id=")
    assert master.to_secret() not in shown
