"""A new adapter package, written from the templates beside this module.

``scaffold`` fills the files of ``templates/`` in a new folder: a
``pyproject.toml`` with the ``openlocker.adapters`` entry point, a package
whose adapter reads an invented state board's results register (a CSV file in
the board's own columns), and tests that run the adapter contract over it.
``python -m cli new-adapter`` is its command line.

Templates are ``string.Template`` files named ``*.tmpl``; the folder
``package`` takes the package's name. Every value that lands in Python or
TOML source is written as a quoted literal, so a name with quotes or
backslashes cannot break the code it lands in.
"""

from __future__ import annotations

import importlib.util
import json
import keyword
import re
from dataclasses import dataclass
from pathlib import Path
from string import Template

from adapters.registry import BUILTIN_ADAPTERS
from adapters.sdk.document import DOC_TYPE_PATTERN, ISSUER_ID_PATTERN

TEMPLATES = Path(__file__).with_name("templates")
TEMPLATE_SUFFIX = ".tmpl"
PACKAGE_FOLDER = "package"
DEFAULT_DOC_TYPE = "HSCER"
DEFAULT_DOC_NAME = "Class XII Marksheet"
_PACKAGE_NAME = re.compile(r"[a-z][a-z0-9_]{0,59}")
_MOST_NAME_CHARACTERS = 200


class ScaffoldError(ValueError):
    """The package cannot be written as asked; the message says what to change."""


@dataclass(frozen=True)
class AdapterPackage:
    """What a new adapter package is called and what it issues."""

    issuer_id: str
    issuer_name: str
    package: str
    doc_type: str = DEFAULT_DOC_TYPE
    doc_name: str = DEFAULT_DOC_NAME

    @property
    def class_name(self) -> str:
        words = [word.capitalize() for word in self.package.split("_") if word]
        if words[-1] != "Adapter":
            words.append("Adapter")
        return "".join(words)

    @property
    def distribution(self) -> str:
        return self.package.replace("_", "-")

    def check(self) -> None:
        """Raise ``ScaffoldError`` for a value the package cannot be built on."""
        if re.fullmatch(ISSUER_ID_PATTERN, self.issuer_id) is None:
            raise ScaffoldError(
                f"issuer id {self.issuer_id!r} should be reverse-domain, lower "
                "case, like 'in.gov.ukboard' (the board's own domain, reversed)"
            )
        if self.issuer_id in builtin_issuer_ids():
            raise ScaffoldError(
                f"issuer id {self.issuer_id} is a built-in issuer's; the locker "
                "would refuse two adapters claiming it"
            )
        _check_text("--name", self.issuer_name)
        _check_text("--doc-name", self.doc_name)
        if re.fullmatch(DOC_TYPE_PATTERN, self.doc_type) is None:
            raise ScaffoldError(
                f"doc type {self.doc_type!r} should be 1 to 5 capital letters, "
                "like HSCER"
            )
        if _PACKAGE_NAME.fullmatch(self.package) is None or keyword.iskeyword(
            self.package
        ):
            raise ScaffoldError(
                f"{self.package!r} is not a package name: use lower-case letters, "
                "digits and underscores, starting with a letter (--package)"
            )
        if importlib.util.find_spec(self.package) is not None:
            raise ScaffoldError(
                f"a module named {self.package} is already importable here, so the "
                "new package would clash with it; choose another with --package"
            )

    def values(self) -> dict[str, str]:
        """What the templates' placeholders stand for."""
        description = f"{self.issuer_name}: an issuer adapter for openlocker"
        return {
            "issuer_id": self.issuer_id,
            "issuer_name_literal": json.dumps(self.issuer_name, ensure_ascii=False),
            "issuer_name_text": self.issuer_name,
            "issuer_name_docstring": _docstring_text(self.issuer_name),
            "package": self.package,
            "class_name": self.class_name,
            "distribution": self.distribution,
            "doc_type": self.doc_type,
            "doc_name_literal": json.dumps(self.doc_name, ensure_ascii=False),
            "doc_name_text": self.doc_name,
            "description_toml": json.dumps(description, ensure_ascii=False),
        }


def package_name_for(directory: Path) -> str:
    """The package name a folder suggests (``UKBoard-Adapter``: ``ukboard_adapter``)."""
    return re.sub(r"[^a-z0-9]+", "_", directory.resolve().name.lower()).strip("_")


def builtin_issuer_ids() -> frozenset[str]:
    """The issuer ids of the locker's built-in adapters, read from their classes."""
    ids = set()
    for target in BUILTIN_ADAPTERS:
        module_name, _, class_name = target.partition(":")
        module = importlib.import_module(module_name)
        ids.add(getattr(module, class_name).issuer_id)
    return frozenset(ids)


def scaffold(directory: Path, package: AdapterPackage) -> list[Path]:
    """Write the new package into ``directory``; the files written, in order.

    ``directory`` must not exist yet or be empty: nothing is ever overwritten.
    Raises ``ScaffoldError`` saying what to change.
    """
    package.check()
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise ScaffoldError(
            f"{directory} is not an empty folder; give a new one, so that no file "
            "of yours is overwritten"
        )

    values = package.values()
    rendered = sorted(
        (_target(directory, template, package.package), _render(template, values))
        for template in TEMPLATES.rglob(f"*{TEMPLATE_SUFFIX}")
    )
    for path, text in rendered:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    return [path for path, _ in rendered]


def _target(directory: Path, template: Path, package: str) -> Path:
    parts = list(template.relative_to(TEMPLATES).parts)
    if parts[0] == PACKAGE_FOLDER:
        parts[0] = package
    parts[-1] = parts[-1].removesuffix(TEMPLATE_SUFFIX)
    return directory.joinpath(*parts)


def _render(template: Path, values: dict[str, str]) -> str:
    try:
        return Template(template.read_text(encoding="utf-8")).substitute(values)
    except (KeyError, ValueError) as error:
        # A mistake in the templates themselves, never in what the user typed.
        raise RuntimeError(f"template {template.name} is broken: {error}") from error


def _docstring_text(text: str) -> str:
    """``text`` escaped to stand inside a triple-quoted docstring as written."""
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _check_text(option: str, text: str) -> None:
    if not text.strip():
        raise ScaffoldError(f"{option} must not be empty")
    if len(text) > _MOST_NAME_CHARACTERS or any(ch in text for ch in "\r\n\t"):
        raise ScaffoldError(
            f"{option} should be one line of at most {_MOST_NAME_CHARACTERS} characters"
        )
