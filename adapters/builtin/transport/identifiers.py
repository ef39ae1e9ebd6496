"""Licence and registration numbers: their forms, typed and compact.

Residents copy numbers off cards that print them with spaces
(``MH12 20160012345``, ``MH 12 AB 1234``) and often add hyphens; the transport
systems key records by the compact form. The ``*_TYPED`` patterns are what the
search form accepts; ``compact`` turns either into the key.
"""

from __future__ import annotations

import re

# state, RTO, year of issue, serial: MH 12 2016 0012345
LICENCE_NUMBER = re.compile(r"[A-Z]{2}[0-9A-Z]{2}(?:19|20)\d{2}\d{7}")
LICENCE_NUMBER_TYPED = r"[A-Z]{2}(?:[ -]*[0-9A-Z]){2}(?:[ -]*\d){11}"

# state, RTO, series, number (MH 12 AB 1234, DL 3C BT 5678), or the Bharat
# series that starts with the year (22 BH 1234 AA)
REGISTRATION_NUMBER = re.compile(
    r"[A-Z]{2}\d{1,2}[A-Z]{0,3}\d{1,4}|\d{2}BH\d{4}[A-Z]{1,2}"
)
REGISTRATION_NUMBER_TYPED = (
    r"[A-Z]{2}[ -]*\d{1,2}[ -]*(?:[A-Z][ -]*){0,3}\d{1,4}"
    r"|\d{2}[ -]*BH[ -]*\d{4}[ -]*[A-Z]{1,2}"
)

CHASSIS_SUFFIX_LENGTH = 5
CHASSIS_SUFFIX_TYPED = r"[A-Z0-9]{5}"


def compact(number: str) -> str:
    """``number`` upper-cased without the spaces and hyphens people type."""
    return re.sub(r"[\s-]+", "", number).upper()


def mask(identifier: str, visible: int = CHASSIS_SUFFIX_LENGTH) -> str:
    """All but the last ``visible`` characters replaced by ``*``, as RC prints do."""
    hidden = max(len(identifier) - visible, 0)

    return "*" * hidden + identifier[hidden:]
