"""The example programs run against a real server, driven by a real browser."""

from tests.browser.conftest import (  # noqa: F401 - fixtures, shared
    browser,
    chromium,
    context,
    locker,
    page,
    resident,
)
