"""Logging set-up for the server and commands."""

from __future__ import annotations

import logging


def configure_logging(level: str) -> None:
    """One stream handler on the root logger, with the logger name in each line."""
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # signxml logs whole canonicalised documents at DEBUG: never let them through.
    logging.getLogger("signxml").setLevel(max(logging.INFO, logging.root.level))
    # pyHanko logs an untrusted signer as an ERROR with traceback; the verdict
    # already says so, and it is the caller's to report.
    logging.getLogger("pyhanko.sign.validation.generic_cms").setLevel(logging.CRITICAL)
