"""Names and folders of residents' uploaded files, for display only.

A name or folder is what the resident typed or their browser sent, kept so the
resident recognises the file; it never becomes part of a storage path (objects
are stored under random ids), so cleaning here is about what a person sees
and what a header carries, not about the file system:

- Only the last component of a name is kept: browsers send
  ``C:\\fakepath\\scan.pdf``, attackers ``../../etc/passwd.pdf``.
- Control characters, format characters (category Cf: the bidi overrides that
  make ``gpj.exe`` read as ``exe.jpg``, zero-width spaces, soft hyphens) and
  lone surrogates are removed, and runs of whitespace become one space. Zero
  width joiner and non-joiner are kept: Devanagari, Bengali, Malayalam and
  other Indian scripts use them to spell names correctly, and they cannot
  reorder text.
- Text is NFC-normalised, so one name typed on two devices compares equal.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from services.errors import InvalidFileName, InvalidFolder

MAX_NAME_CHARS = 255
MAX_FOLDER_SEGMENT_CHARS = 64
MAX_FOLDER_DEPTH = 8

_PATH_SEPARATORS = re.compile(r"[/\\]")
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})
_JOINERS = frozenset({"\u200c", "\u200d"})
# Some user agents percent-decode the plain ``filename`` parameter (RFC 6266,
# appendix D), so a literal ``%`` is kept out of the ASCII fallback.
_UNSAFE_IN_FALLBACK = frozenset('"\\%')


def clean_display_name(name: str) -> str:
    """The name to show for an uploaded file, or ``InvalidFileName``.

    Keeps the last path component, cleans it (see the module docstring), drops
    leading dots and spaces (``.htaccess`` becomes ``htaccess``: a name is never
    hidden), and cuts it to ``MAX_NAME_CHARS`` characters, keeping the
    extension. A name left empty, or only dots, is refused.
    """
    last_component = _PATH_SEPARATORS.split(name)[-1]
    cleaned = clean_text(last_component).lstrip(". ")
    if not _has_visible_text(cleaned):
        raise InvalidFileName(
            "The file name is empty once unusable characters are removed; "
            "give the file a name.",
            field="name",
        )
    return _truncate_keeping_extension(cleaned)


def clean_folder(folder: str) -> str:
    """The folder path to show and group by, or ``InvalidFolder``.

    Folders are ``/``-separated (``Education/Class XII``); ``""`` and ``"/"``
    are the root, returned as ``""``. Each segment is cleaned like a name and
    empty segments are dropped, so ``" /Education//Class XII/"`` becomes
    ``"Education/Class XII"``. A backslash, a ``.`` or ``..`` segment, a segment
    over ``MAX_FOLDER_SEGMENT_CHARS`` characters, or more than
    ``MAX_FOLDER_DEPTH`` levels are refused rather than silently changed, since
    the resident would not find the folder they asked for.
    """
    if "\\" in folder:
        raise InvalidFolder(
            "Folder names are separated by “/”; remove the “\\”.", field="folder"
        )

    segments = [clean_text(segment) for segment in folder.split("/")]
    segments = [segment for segment in segments if _has_visible_text(segment)]

    for segment in segments:
        if segment in {".", ".."}:
            raise InvalidFolder(
                "A folder cannot be named “.” or “..”; choose another name.",
                field="folder",
            )
        if len(segment) > MAX_FOLDER_SEGMENT_CHARS:
            raise InvalidFolder(
                f"A folder name can be at most {MAX_FOLDER_SEGMENT_CHARS} "
                "characters; shorten it.",
                field="folder",
            )
    if len(segments) > MAX_FOLDER_DEPTH:
        raise InvalidFolder(
            f"Folders can be nested at most {MAX_FOLDER_DEPTH} levels deep; "
            "choose a shallower folder.",
            field="folder",
        )
    return "/".join(segments)


def content_disposition(name: str, *, inline: bool = False) -> str:
    """A ``Content-Disposition`` value offering ``name`` (RFC 6266 and 8187).

    ``filename`` carries an ASCII fallback (accents folded, anything else
    non-ASCII, quotes, backslashes and ``%`` replaced by ``_``) for old clients;
    ``filename*`` carries the name itself, UTF-8 and percent-encoded. ``name``
    is meant to come from ``clean_display_name``; control and format characters
    are dropped again here because the header is where a disguised name would
    do its harm. The value never holds CR, LF or a stray quote, whatever
    ``name`` is. A name with nothing visible gives no filename parameters,
    and the browser names the file from the URL.
    """
    disposition = "inline" if inline else "attachment"
    visible = clean_text(name)
    if not _has_visible_text(visible):
        return disposition
    fallback = _ascii_fallback(visible)
    encoded = quote(visible, safe="")
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"


def file_extension(name: str) -> str:
    """The lowercase extension of ``name`` with its dot (``".pdf"``), or ``""``.

    Only the last path component counts, and trailing dots and spaces are
    ignored, as Windows ignores them (``scan.png.`` is a ``.png``). A suffix is
    an extension when it is two to five ASCII letters and digits, at least one
    a letter (``.pdf``, ``.jpeg``, ``.docx``, ``.7z``); anything else after the
    last dot is part of the name (``Aarav.Sharma``, ``marks 2023.24``,
    ``Dr. R. K. Iyer``).
    """
    last_component = _PATH_SEPARATORS.split(name)[-1].rstrip(". ")
    return _split_extension(last_component)[1].lower()


def _split_extension(name: str) -> tuple[str, str]:
    """``name`` as (stem, extension with its dot in its own case), or (name, "")."""
    stem, dot, suffix = name.rpartition(".")
    if (
        dot
        and stem
        and 2 <= len(suffix) <= 5
        and suffix.isascii()
        and suffix.isalnum()
        and not suffix.isdigit()
    ):
        return stem, dot + suffix
    return name, ""


def clean_text(text: str) -> str:
    """NFC text with whitespace runs as one space, control and format chars gone."""
    kept = "".join(
        " " if character.isspace() else character
        for character in text
        if character.isspace()
        or character in _JOINERS
        or unicodedata.category(character) not in _DROPPED_CATEGORIES
    )
    return " ".join(unicodedata.normalize("NFC", kept).split())


def _has_visible_text(text: str) -> bool:
    """Whether cleaned ``text`` shows anything: it is more than joiners."""
    return any(character not in _JOINERS for character in text)


def _truncate_keeping_extension(name: str) -> str:
    if len(name) <= MAX_NAME_CHARS:
        return name
    stem, extension = _split_extension(name)
    return stem[: MAX_NAME_CHARS - len(extension)].rstrip() + extension


def _ascii_fallback(name: str) -> str:
    """``name`` in printable ASCII safe inside a quoted string."""
    folded = "".join(
        character
        for character in unicodedata.normalize("NFKD", name)
        if not unicodedata.combining(character)
    )
    return "".join(
        character
        if " " <= character <= "~" and character not in _UNSAFE_IN_FALLBACK
        else "_"
        for character in folded
    )
