"""Who a document is for: the resident's verified identity and the issuer's holder."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date


class Gender(enum.StrEnum):
    """Gender as DigiLocker certificates write it."""

    MALE = "M"
    FEMALE = "F"
    TRANSGENDER = "T"


@dataclass(frozen=True)
class Identity:
    """The resident's identity as verified by Aadhaar eKYC, handed to ``find``."""

    name: str
    dob: date
    gender: Gender


@dataclass(frozen=True)
class Holder:
    """The holder of a record as the issuer knows them."""

    name: str
    dob: date | None
    gender: Gender | None = None


@dataclass(frozen=True)
class IdentityVerdict:
    """An issuer's own answer on whether the identity it was given is the holder's.

    Issuers that will not reveal their data (the income-tax department) answer
    this instead of a ``Holder``.
    """

    name_matches: bool
    dob_matches: bool

    @property
    def confirmed(self) -> bool:
        return self.name_matches and self.dob_matches


@dataclass(frozen=True)
class FindResult:
    """What ``IssuerAdapter.find`` answers: the URI and how to tell whose it is.

    Exactly one of ``holder`` and ``verdict`` is set.
    """

    uri: str
    holder: Holder | None = None
    verdict: IdentityVerdict | None = None

    def __post_init__(self) -> None:
        if (self.holder is None) == (self.verdict is None):
            raise ValueError("FindResult needs exactly one of holder and verdict")


_TITLES = frozenset({"MR", "MRS", "MS", "MISS", "SHRI", "SMT", "KUM", "KUMARI", "DR"})
_MOST_NAME_PARTS = 8


def name_parts(name: str) -> list[str]:
    """Upper-case name words, punctuation and titles dropped (``D.K.`` is ``D K``)."""
    words = "".join(ch if ch.isalpha() else " " for ch in name.upper()).split()
    return [word for word in words if word not in _TITLES]


def _parts_agree(one: str, other: str) -> bool:
    if len(one) == 1 or len(other) == 1:
        return one[0] == other[0]
    return one == other


def names_match(one: str, other: str) -> bool:
    """Whether two spellings name the same person.

    Case, spacing, punctuation, titles and word order are ignored, and an
    initial stands for any word it begins; both names must have the same number
    of words and share at least one whole word, so ``PRIYA V`` is ``Priya
    Venkataraman`` and ``KHAN FATIMA ZEHRA`` is ``Fatima Zehra Khan``, while
    ``A S`` matches nobody.
    """
    left, right = name_parts(one), name_parts(other)
    if not left or len(left) != len(right) or len(left) > _MOST_NAME_PARTS:
        return False
    if not any(len(word) > 1 and word in right for word in left):
        return False

    def pair(remaining_left: list[str], remaining_right: list[str]) -> bool:
        if not remaining_left:
            return True
        first, rest = remaining_left[0], remaining_left[1:]
        for index, candidate in enumerate(remaining_right):
            others = remaining_right[:index] + remaining_right[index + 1 :]
            if _parts_agree(first, candidate) and pair(rest, others):
                return True
        return False

    return pair(left, right)
