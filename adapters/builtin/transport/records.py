"""Reading an issuer's JSON record field by field, failing with the field's path.

Sarathi and Vahan answer loosely typed JSON: numbers arrive as strings or
numbers, absent values as ``null`` or ``""``, text padded with spaces. The
parsers read every field through a ``RecordReader`` so that a malformed record
fails once, at load, with a sentence naming the file, the record and the field.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from adapters.builtin.transport.dates import parse_record_date


class MalformedRecordError(ValueError):
    """An issuer record that does not have the shape its system hands out."""


@dataclass(frozen=True)
class RecordReader:
    """A JSON object of an issuer record, with the path that leads to it."""

    fields: Mapping[str, object]
    path: str

    @classmethod
    def of(cls, raw: object, path: str) -> RecordReader:
        """Wrap ``raw``; ``MalformedRecordError`` when it is not a JSON object."""
        if not isinstance(raw, Mapping):
            raise MalformedRecordError(
                f"{path}: expected a JSON object, got {type(raw).__name__}"
            )
        return cls({str(key): value for key, value in raw.items()}, path)

    def fail(self, name: str, expected: str) -> MalformedRecordError:
        """The error for field ``name``, saying what it should have held."""
        value = self.fields.get(name)
        return MalformedRecordError(
            f"{self.path}.{name}: expected {expected}, got {value!r}"
        )

    def has(self, name: str) -> bool:
        """Whether ``name`` holds a value (neither missing, ``null`` nor blank)."""
        value = self.fields.get(name)
        return value is not None and str(value).strip() != ""

    def text(self, name: str) -> str:
        """A required text field, trimmed of the padding the systems add."""
        value = self.fields.get(name)
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise self.fail(name, "text")
        if not str(value).strip():
            raise self.fail(name, "non-empty text")

        return str(value).strip()

    def optional_text(self, name: str) -> str:
        """A text field that may be missing, ``null`` or blank (then ``""``)."""
        return self.text(name) if self.has(name) else ""

    def integer(self, name: str) -> int:
        """A whole number, written as a number or as digits in a string."""
        value = self.fields.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = str(value).strip() if isinstance(value, str) else ""
        # Vahan writes counts such as the owner serial as "1" and weights as "905"
        if not text.isdigit():
            raise self.fail(name, "a whole number")

        return int(text)

    def decimal(self, name: str) -> Decimal:
        """A decimal number such as Vahan's cubic capacity, ``"1197.0"``."""
        value = self.fields.get(name)
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.fail(name, "a number")
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation as error:
            raise self.fail(name, "a number") from error
        if not number.is_finite() or number < 0:
            raise self.fail(name, "a non-negative number")

        return number

    def date(self, name: str) -> datetime.date:
        """A required date in any of the forms the transport systems use."""
        value = self.fields.get(name)
        if not isinstance(value, str):
            raise self.fail(name, "a date")
        try:
            return parse_record_date(value)
        except ValueError as error:
            raise MalformedRecordError(f"{self.path}.{name}: {error}") from error

    def optional_date(self, name: str) -> datetime.date | None:
        """A date that may be missing, ``null`` or blank."""
        return self.date(name) if self.has(name) else None

    def child(self, name: str) -> RecordReader:
        """The JSON object held in field ``name``."""
        return RecordReader.of(self.fields.get(name), f"{self.path}.{name}")

    def optional_child(self, name: str) -> RecordReader | None:
        """The JSON object in field ``name``, or ``None`` when it is ``null``."""
        return self.child(name) if self.fields.get(name) is not None else None

    def children(self, name: str) -> list[RecordReader]:
        """The JSON objects of the list held in field ``name``."""
        items = self.fields.get(name)
        if not isinstance(items, list):
            raise self.fail(name, "a list")

        return [
            RecordReader.of(item, f"{self.path}.{name}[{index}]")
            for index, item in enumerate(items)
        ]
