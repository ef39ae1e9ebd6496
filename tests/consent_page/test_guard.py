"""The consent page's form seal and origin rule, without a server."""

from __future__ import annotations

import pytest

from services.clock import FrozenClock
from web.consent_guard import FormSeal, Refused, new_browser_id, origin_of

SECRET = "a-test-secret-key-of-at-least-32-characters"
QUERY = "response_type=code&client_id=rq_passport_pune&state=passport-7731"


@pytest.mark.parametrize(
    ("public_url", "origin"),
    [
        ("https://Locker.Example.in:443/", "https://locker.example.in"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("https://locker.example.in:8443/base", "https://locker.example.in:8443"),
    ],
)
def test_the_public_url_is_compared_as_a_browser_writes_its_origin(
    public_url: str, origin: str
) -> None:
    assert origin_of(public_url) == origin


def test_a_seal_opens_only_for_its_browser_and_its_exact_request() -> None:
    clock = FrozenClock()
    seal = FormSeal(SECRET, clock)
    browser = new_browser_id()
    token = seal.token(browser, QUERY)

    seal.check(browser, QUERY, token)
    with pytest.raises(Refused):
        seal.check(new_browser_id(), QUERY, token)
    with pytest.raises(Refused):
        seal.check(browser, QUERY + "&max_reads=100", token)
    with pytest.raises(Refused):
        FormSeal(SECRET + "-rotated", clock).check(browser, QUERY, token)
    clock.advance(30 * 60 + 1)
    with pytest.raises(Refused):
        seal.check(browser, QUERY, token)
