"""A resident's hand on the consent page, played by Playwright.

The steps use what a person sees: the fields by their labels, the buttons by
their names, the documents by their checkboxes (``name="document"``, whose
value is the document's URI).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from playwright.async_api import Page

from examples.requester.requester import OpenInBrowser
from tests.support.locker import Resident


@dataclass(frozen=True)
class Decision:
    """What the resident does on the page: share ``documents`` (all those
    offered when None) and press Allow, or press Deny."""

    allow: bool = True
    documents: Collection[str] | None = None


async def sign_in(page: Page, resident: Resident) -> None:
    await page.get_by_label("Username").fill(resident.username)
    await page.get_by_label("Password").fill(resident.password)
    await page.get_by_role("button", name="Sign in").click()
    await page.get_by_role("button", name="Deny").wait_for()


async def decide(page: Page, decision: Decision) -> None:
    """Tick exactly the chosen documents, then Allow or Deny."""
    if decision.documents is not None:
        for checkbox in await page.locator('input[name="document"]').all():
            uri = await checkbox.get_attribute("value")
            await checkbox.set_checked(uri in decision.documents)
    button = "Allow" if decision.allow else "Deny"
    await page.get_by_role("button", name=button, exact=True).click()


def resident_on_the_page(
    page: Page, resident: Resident, decision: Decision, redirect_uri: str
) -> OpenInBrowser:
    """The example requester's browser step, with ``resident`` deciding."""

    async def open_in_browser(url: str) -> None:
        await page.goto(url)
        await sign_in(page, resident)
        await decide(page, decision)
        await page.wait_for_url(lambda url: url.startswith(f"{redirect_uri}?"))

    return open_in_browser
