"""Logging set-up for the server and commands."""

from __future__ import annotations

import logging


class RedactQueryStrings(logging.Filter):
    """Drops query strings from access-log lines.

    Download links carry their token in the query string; an access log must
    never keep it.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) >= 3:
            path = record.args[2]
            if isinstance(path, str) and "?" in path:
                args = list(record.args)
                args[2] = path.split("?", 1)[0] + "?…"
                record.args = tuple(args)
        return True


def configure_logging(level: str) -> None:
    """One stream handler on the root logger, with the logger name in each line."""
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("uvicorn.access").addFilter(RedactQueryStrings())
    # signxml logs whole canonicalised documents at DEBUG: never let them through.
    logging.getLogger("signxml").setLevel(max(logging.INFO, logging.root.level))
    # pyHanko logs an untrusted signer as an ERROR with traceback; the verdict
    # already says so, and it is the caller's to report.
    logging.getLogger("pyhanko.sign.validation.generic_cms").setLevel(logging.CRITICAL)
