"""SecretBox, keyed hashes, tokens and Aadhaar masking."""

from __future__ import annotations

import pytest

from services.crypto import SecretBox, hash_token, keyed_hash, mask_aadhaar, new_token

KEY = bytes(range(32))


def test_secret_box_opens_what_it_sealed_for_the_same_context() -> None:
    box = SecretBox(KEY)

    sealed = box.encrypt(b"726018159082", context=b"account-1")

    assert b"726018159082" not in sealed
    assert box.decrypt(sealed, context=b"account-1") == b"726018159082"


def test_secret_box_seals_the_same_secret_differently_each_time() -> None:
    box = SecretBox(KEY)

    first = box.encrypt(b"726018159082", context=b"account-1")
    second = box.encrypt(b"726018159082", context=b"account-1")

    assert first != second


def test_secret_box_refuses_a_value_moved_to_another_context() -> None:
    box = SecretBox(KEY)
    sealed = box.encrypt(b"726018159082", context=b"account-1")

    with pytest.raises(ValueError, match="does not open"):
        box.decrypt(sealed, context=b"account-2")


def test_secret_box_refuses_a_tampered_value() -> None:
    box = SecretBox(KEY)
    sealed = bytearray(box.encrypt(b"726018159082", context=b"account-1"))
    sealed[-1] ^= 1

    with pytest.raises(ValueError, match="does not open"):
        box.decrypt(bytes(sealed), context=b"account-1")


def test_secret_box_refuses_another_key() -> None:
    sealed = SecretBox(KEY).encrypt(b"726018159082", context=b"account-1")

    with pytest.raises(ValueError, match="does not open"):
        SecretBox(bytes(32)).decrypt(sealed, context=b"account-1")


def test_secret_box_needs_a_32_byte_key() -> None:
    with pytest.raises(ValueError, match="32-byte"):
        SecretBox(b"too short")


def test_secret_box_reads_a_base64_key() -> None:
    box = SecretBox.from_base64("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")

    sealed = box.encrypt(b"secret", context=b"c")

    assert SecretBox(KEY).decrypt(sealed, context=b"c") == b"secret"


def test_keyed_hash_differs_by_purpose_and_by_key() -> None:
    by_otp = keyed_hash(KEY, "726018159082", purpose="otp")
    by_aadhaar = keyed_hash(KEY, "726018159082", purpose="aadhaar")
    by_other_key = keyed_hash(bytes(32), "726018159082", purpose="aadhaar")

    assert len({by_otp, by_aadhaar, by_other_key}) == 3
    assert by_aadhaar == keyed_hash(KEY, "726018159082", purpose="aadhaar")
    assert len(by_aadhaar) == 64
    assert "726018159082" not in by_aadhaar


def test_tokens_are_fresh_and_stored_by_their_sha256() -> None:
    token, other = new_token(), new_token()

    assert token != other
    assert len(token) >= 43
    assert hash_token(token) == hash_token(token)
    assert len(hash_token(token)) == 64
    assert token not in hash_token(token)


def test_mask_aadhaar_shows_only_the_last_four_digits() -> None:
    assert mask_aadhaar("9082") == "XXXX-XXXX-9082"


def test_mask_aadhaar_refuses_more_than_four_digits_without_echoing_them() -> None:
    with pytest.raises(ValueError, match="four digits") as raised:
        mask_aadhaar("726018159082")

    assert "726018159082" not in str(raised.value)
