"""The consent page in headless Chromium: what a resident sees and decides.

A requester registered by the operator sends the resident's browser to
``/oauth/authorize``; the resident signs in, unticks what they do not want to
share and allows, or denies. The requester (the example program's client,
Authlib) then holds a token that reads exactly what was shared.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, BrowserContext, Page

from examples.requester.requester import (
    ConsentAsk,
    ConsentRefused,
    LockerRefused,
    LockerRequester,
    Registration,
)
from tests.support.consent_page import Decision, resident_on_the_page, sign_in
from tests.support.locker import Resident, register_requester
from tests.support.pages import serving_page
from tests.support.server import RunningServer

EMPLOYMENT = "EMPLOYMENT_VERIFICATION:Confirm the schooling, licence and PAN of a hire"
ALL_THREE = ["doctype/HSCER", "doctype/DRVLC", "doctype/PANCR"]
PHONE_WIDTH = 360


@pytest.fixture
def infosys(locker: RunningServer) -> Registration:
    """An employer registered to ask for a Class XII marksheet, a driving
    licence and a PAN card."""
    return register_requester(
        locker,
        org_id="infosys",
        name="Infosys Limited",
        purpose=EMPLOYMENT,
        doc_types=["HSCER", "DRVLC", "PANCR"],
    )


@pytest.fixture
async def phone(browser: Browser) -> AsyncIterator[BrowserContext]:
    """A browser the width of a small phone."""
    context = await browser.new_context(
        viewport={"width": PHONE_WIDTH, "height": 740}, is_mobile=True
    )
    try:
        yield context
    finally:
        await context.close()


def ask_for_all_three() -> ConsentAsk:
    return ConsentAsk(
        scopes=ALL_THREE, purpose="EMPLOYMENT_VERIFICATION", forms=("metadata", "xml")
    )


async def consent_page_url(requester: LockerRequester) -> str:
    url, _state = await requester.authorization_url(ask_for_all_three(), "v" * 64)
    return url


async def widths(page: Page) -> tuple[int, int]:
    """The width the page is laid out at, and the width of its content: wider
    content scrolls sideways."""
    laid_out, content = await page.evaluate(
        "[window.innerWidth, document.documentElement.scrollWidth]"
    )
    return int(laid_out), int(content)


@pytest.mark.parametrize("javascript", [True, False], ids=["scripts", "no-scripts"])
async def test_the_token_reads_only_the_documents_the_resident_ticked(
    browser: Browser,
    resident: Resident,
    infosys: Registration,
    javascript: bool,
) -> None:
    shared = {resident.uri_of("HSCER"), resident.uri_of("PANCR")}

    async with (
        await browser.new_context(java_script_enabled=javascript) as context,
        LockerRequester(infosys) as requester,
    ):
        page = await context.new_page()
        choosing = resident_on_the_page(
            page, resident, Decision(documents=shared), infosys.redirect_uri
        )
        await requester.authorize(ask_for_all_three(), choosing)
        consent = await requester.shared_consent()
        reads = await requester.read_shared_documents()
        with pytest.raises(LockerRefused) as licence:
            await requester.read_document(resident.uri_of("DRVLC"), ["METADATA"])

    assert {document["uri"] for document in consent["documents"]} == shared
    assert {read.uri for read in reads} == shared
    assert all(read.xml and read.xml.lstrip().startswith("<") for read in reads)
    assert {read.name for read in reads} == {
        "Class XII Marksheet",
        "PAN Verification Record",
    }
    assert licence.value.code == "NOT_GRANTED"


async def test_a_resident_who_denies_sends_the_requester_access_denied(
    page: Page, resident: Resident, infosys: Registration
) -> None:
    denying = resident_on_the_page(
        page, resident, Decision(allow=False), infosys.redirect_uri
    )

    async with LockerRequester(infosys) as requester:
        with pytest.raises(ConsentRefused) as refused:
            await requester.authorize(ask_for_all_three(), denying)

    assert refused.value.error == "access_denied"
    assert requester.client.token is None


async def test_the_consent_page_refuses_to_be_framed_by_another_site(
    page: Page, infosys: Registration
) -> None:
    async with LockerRequester(infosys) as requester:
        url = await consent_page_url(requester)
    framing = (
        f'<!doctype html><title>Sign in</title><iframe src="{url}" width="600" '
        'height="600"></iframe>'
    )

    with serving_page(framing) as framing_site:
        await page.goto(framing_site)
        (frame,) = [frame for frame in page.frames if frame is not page.main_frame]
        await frame.wait_for_load_state()
        framed_fields = await frame.get_by_label("Password").count()
    direct = await page.goto(url)
    assert direct is not None
    headers = await direct.all_headers()

    assert framed_fields == 0
    assert await page.get_by_label("Password").count() == 1
    policy = headers["content-security-policy"]
    assert re.search(r"(^|;)\s*frame-ancestors 'none'\s*(;|$)", policy)
    assert headers["x-frame-options"] == "DENY"


async def test_the_pages_fit_a_360_pixel_phone_screen(
    phone: BrowserContext, resident: Resident, infosys: Registration
) -> None:
    page = await phone.new_page()
    async with LockerRequester(infosys) as requester:
        url = await consent_page_url(requester)

    await page.goto(url)
    sign_in_widths = await widths(page)
    await sign_in(page, resident)
    consent_widths = await widths(page)

    assert sign_in_widths == (PHONE_WIDTH, PHONE_WIDTH)
    assert consent_widths == (PHONE_WIDTH, PHONE_WIDTH)
    for uri in resident.uris:
        assert await page.get_by_text(uri).is_visible()
    allow = await page.get_by_role("button", name="Allow", exact=True).bounding_box()
    assert allow is not None
    assert allow["x"] >= 0
    assert allow["x"] + allow["width"] <= PHONE_WIDTH
