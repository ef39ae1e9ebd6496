"""What a resident fills in to find a document: doc types and their lookup fields."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from adapters.sdk.errors import InvalidLookup


@dataclass(frozen=True)
class LookupField:
    """One input of an issuer's search form.

    ``pattern`` is a full-match regular expression applied after the value is
    stripped of surrounding spaces and, when ``uppercase`` is set, upper-cased.
    A frontend can show ``label`` and ``example`` and check ``pattern`` itself.
    """

    name: str
    label: str
    example: str
    pattern: str
    description: str = ""
    uppercase: bool = False

    def clean(self, raw: str | None) -> str:
        """Return the normalised value, or raise ``InvalidLookup`` saying why."""
        value = (raw or "").strip()
        if self.uppercase:
            value = value.upper()
        if not value:
            raise InvalidLookup(f"{self.label} is required.", field=self.name)
        if re.fullmatch(self.pattern, value) is None:
            raise InvalidLookup(
                f"{self.label} should look like {self.example}.", field=self.name
            )
        return value


@dataclass(frozen=True)
class DocTypeSpec:
    """A document type an issuer issues, with the fields that find one."""

    code: str
    name: str
    description: str
    lookup_fields: tuple[LookupField, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if re.fullmatch(r"[A-Z]{1,5}", self.code) is None:
            raise ValueError(
                f"doc type code {self.code!r} must be 1 to 5 capital letters"
            )

    def clean_lookup(self, values: Mapping[str, str]) -> dict[str, str]:
        """Validate every declared field; unknown fields are refused too."""
        declared = {lookup.name for lookup in self.lookup_fields}
        unknown = sorted(set(values) - declared)
        if unknown:
            raise InvalidLookup(
                f"{self.name} is looked up by {', '.join(sorted(declared))} only.",
                field=unknown[0][:64],
            )

        return {
            lookup.name: lookup.clean(values.get(lookup.name))
            for lookup in self.lookup_fields
        }


_DATE_FORMS = ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d")


@dataclass(frozen=True)
class DateField(LookupField):
    """A date the resident types as DD-MM-YYYY, DD/MM/YYYY or YYYY-MM-DD.

    ``clean`` answers it as ``YYYY-MM-DD`` (``date.fromisoformat`` reads it), or
    raises ``InvalidLookup`` for a day that is not in the calendar.
    """

    pattern: str = (
        "[0-9]{2}-[0-9]{2}-[0-9]{4}|[0-9]{2}/[0-9]{2}/[0-9]{4}"
        "|[0-9]{4}-[0-9]{2}-[0-9]{2}"
    )

    def clean(self, raw: str | None) -> str:
        value = super().clean(raw)
        for form in _DATE_FORMS:
            try:
                return datetime.strptime(value, form).date().isoformat()
            except ValueError:
                continue
        raise InvalidLookup(
            f"{self.label} {value} is not a day in the calendar.", field=self.name
        )
