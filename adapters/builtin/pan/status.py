"""The department's status letters and Aadhaar seeding codes, with what they mean.

Both verification services answer a PAN's status as one or two letters. ``E`` is
a valid PAN; the two-letter ``E*`` codes are valid PANs that the department has
marked with an event in the holder's life (a death, a merger). Seeding says
whether the holder's Aadhaar number is linked to the PAN; non-individuals have
nothing to link.
"""

from __future__ import annotations

import enum


class PanStatus(enum.StrEnum):
    """A PAN's status letter, exactly as the department writes it."""

    VALID = "E"
    FAKE = "F"
    DEACTIVATED = "X"
    DELETED = "D"
    NOT_FOUND = "N"
    INOPERATIVE = "I"
    AMALGAMATION = "EA"
    ACQUISITION = "EC"
    DEATH = "ED"
    DISSOLUTION = "EI"
    LIQUIDATION = "EL"
    MERGER = "EM"
    PARTITION = "EP"
    SPLIT = "ES"
    UNDER_LIQUIDATION = "EU"

    @property
    def description(self) -> str:
        """The department's wording for the letter."""
        return STATUS_DESCRIPTIONS[self]

    @property
    def is_valid(self) -> bool:
        """Whether the PAN is valid (``E``, or ``E`` marked by an event)."""
        return self.value.startswith("E")

    @property
    def is_on_record(self) -> bool:
        """Whether the department holds a real PAN by this number at all."""
        return self not in {PanStatus.FAKE, PanStatus.NOT_FOUND}


STATUS_DESCRIPTIONS: dict[PanStatus, str] = {
    PanStatus.VALID: "Existing and valid",
    PanStatus.FAKE: "Marked as fake",
    PanStatus.DEACTIVATED: "Marked as deactivated",
    PanStatus.DELETED: "Deleted",
    PanStatus.NOT_FOUND: "Not present in the Income Tax Department database",
    PanStatus.INOPERATIVE: "Inoperative (not linked with Aadhaar)",
    PanStatus.AMALGAMATION: "Existing and valid, event marked: amalgamation",
    PanStatus.ACQUISITION: "Existing and valid, event marked: acquisition",
    PanStatus.DEATH: "Existing and valid, event marked: death",
    PanStatus.DISSOLUTION: "Existing and valid, event marked: dissolution",
    PanStatus.LIQUIDATION: "Existing and valid, event marked: liquidation",
    PanStatus.MERGER: "Existing and valid, event marked: merger",
    PanStatus.PARTITION: "Existing and valid, event marked: partition",
    PanStatus.SPLIT: "Existing and valid, event marked: split",
    PanStatus.UNDER_LIQUIDATION: "Existing and valid, event marked: under liquidation",
}


class SeedingStatus(enum.StrEnum):
    """Whether the holder's Aadhaar is linked to the PAN, as the department codes it."""

    SEEDED = "Y"
    NOT_SEEDED = "R"
    NOT_APPLICABLE = "NA"

    @property
    def description(self) -> str:
        """The department's wording for the code."""
        return SEEDING_DESCRIPTIONS[self]


SEEDING_DESCRIPTIONS: dict[SeedingStatus, str] = {
    SeedingStatus.SEEDED: "Aadhaar is linked to the PAN",
    SeedingStatus.NOT_SEEDED: "Aadhaar is not linked to the PAN",
    SeedingStatus.NOT_APPLICABLE: "Not applicable (the holder is not an individual)",
}


class Flag(enum.StrEnum):
    """A yes/no answer of the newer verification (does the name match?)."""

    YES = "Y"
    NO = "N"

    @classmethod
    def of(cls, condition: bool) -> Flag:
        """``Y`` when ``condition`` holds, else ``N``."""
        return cls.YES if condition else cls.NO
