"""Authenticating Pull URI messages: keyhash and the x-digilocker-hmac header."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime

from adapters.digilocker import body_hmac, hmac_matches, keyhash
from adapters.digilocker.protocol import timestamp

API_KEY = "msbshse-7f3c9a1e5b2d4c86a0e1f9b7"
BODY = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<PullURIRequest xmlns:ns2="http://tempuri.org/" ver="1.0">'
    b"<DocDetails><DocType>HSCER</DocType><SeatNo>M240318</SeatNo></DocDetails>"
    b"</PullURIRequest>"
)


def _digest(key: str, body: bytes) -> bytes:
    return hmac.new(key.encode(), body, hashlib.sha256).digest()


def test_the_header_sent_is_base64_of_the_raw_digest() -> None:
    assert body_hmac(API_KEY, BODY) == base64.b64encode(_digest(API_KEY, BODY)).decode()


def test_a_header_is_accepted_in_either_base64_reading() -> None:
    digest = _digest(API_KEY, BODY)
    of_raw_digest = base64.b64encode(digest).decode()
    of_hex_string = base64.b64encode(digest.hex().encode()).decode()

    assert hmac_matches(API_KEY, BODY, of_raw_digest)
    assert hmac_matches(API_KEY, BODY, of_hex_string)


def test_a_header_for_another_body_or_key_or_none_is_refused() -> None:
    header = body_hmac(API_KEY, BODY)

    assert not hmac_matches(API_KEY, BODY.replace(b"M240318", b"M240319"), header)
    assert not hmac_matches("another-issuers-key-1234", BODY, header)
    assert not hmac_matches(API_KEY, BODY, None)
    assert not hmac_matches(API_KEY, BODY, "")
    assert not hmac_matches(API_KEY, BODY, "ज़" + header)


def test_keyhash_is_hex_sha256_of_key_then_timestamp() -> None:
    ts = "2026-12-04T10:15:00+05:30"

    assert keyhash(API_KEY, ts) == hashlib.sha256(f"{API_KEY}{ts}".encode()).hexdigest()
    assert keyhash(API_KEY, ts) != keyhash(API_KEY, "2026-12-04T10:15:01+05:30")


def test_timestamps_are_written_in_india_time() -> None:
    moment = datetime(2026, 12, 4, 4, 45, tzinfo=UTC)

    assert timestamp(moment) == "2026-12-04T10:15:00+05:30"
