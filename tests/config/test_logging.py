"""Logs never keep the secrets that pass through requests."""

from __future__ import annotations

import logging

from config.logging import RedactQueryStrings


def test_access_log_drops_the_query_string_that_carries_a_link_token() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/documents/pdf?token=eyJhbGciOi.secret", "1.1", 200),
        None,
    )

    RedactQueryStrings().filter(record)

    assert record.getMessage() == '127.0.0.1:5000 - "GET /documents/pdf?… HTTP/1.1" 200'
