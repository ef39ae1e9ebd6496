"""Display names and folders of uploads, and the header that offers them back."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from services.errors import InvalidFileName, InvalidFolder
from services.uploads.names import (
    MAX_FOLDER_DEPTH,
    MAX_NAME_CHARS,
    clean_display_name,
    clean_folder,
    content_disposition,
    file_extension,
)

# --- display names -----------------------------------------------------------


def test_display_name_keeps_an_ordinary_name_as_typed() -> None:
    assert clean_display_name("Rent agreement - Baner flat.pdf") == (
        "Rent agreement - Baner flat.pdf"
    )


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ("C:\\fakepath\\Class XII marksheet.pdf", "Class XII marksheet.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\win.ini.png", "win.ini.png"),
        ("Documents/2024/rent.pdf", "rent.pdf"),
    ],
)
def test_display_name_drops_any_directory_part(sent: str, shown: str) -> None:
    assert clean_display_name(sent) == shown


def test_display_name_drops_the_override_that_disguises_an_extension() -> None:
    # Shown right-to-left after U+202E, "photo\u202egpj.exe" reads "photoexe.jpg".
    assert clean_display_name("photo\u202egpj.exe") == "photogpj.exe"


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ("mark\x00sheet.pdf", "marksheet.pdf"),
        ("mark\x07sheet.pdf", "marksheet.pdf"),
        ("\x1b[31mmarksheet.pdf", "[31mmarksheet.pdf"),
        ("mark\u200bsheet.pdf", "marksheet.pdf"),
        ("mark\u200esheet.pdf", "marksheet.pdf"),
        ("mark\u2066sheet\u2069.pdf", "marksheet.pdf"),
        ("\ufeffmarksheet.pdf", "marksheet.pdf"),
        ("mark\u00adsheet.pdf", "marksheet.pdf"),
    ],
)
def test_display_name_drops_control_and_format_characters(
    sent: str, shown: str
) -> None:
    assert clean_display_name(sent) == shown


def test_display_name_turns_line_breaks_and_tabs_into_single_spaces() -> None:
    assert clean_display_name("  Aadhaar\r\nletter\t\t copy .pdf ") == (
        "Aadhaar letter copy .pdf"
    )


def test_display_name_keeps_joiners_that_indian_scripts_spell_with() -> None:
    # Malayalam "Kerala" with a zero width joiner forming the chillu.
    name = "\u0d15\u0d47\u0d30\u0d33\u0d02 \u0d30\u0d47\u0d16\u0d15\u0d7e\u200d.pdf"

    assert clean_display_name(name) == name


def test_display_name_is_nfc_so_one_name_typed_two_ways_matches() -> None:
    decomposed = "Jose\u0301 D'Souza.pdf"

    assert clean_display_name(decomposed) == "Jos\u00e9 D'Souza.pdf"


def test_display_name_loses_leading_dots_so_no_file_looks_hidden() -> None:
    assert clean_display_name(". .htaccess") == "htaccess"


@pytest.mark.parametrize(
    "name", ["", "   ", "...", "../", "C:\\fakepath\\", "\u202e\u200b", "\u200d"]
)
def test_display_name_with_nothing_left_is_refused(name: str) -> None:
    with pytest.raises(InvalidFileName) as refused:
        clean_display_name(name)

    assert refused.value.field == "name"


def test_a_300_character_name_is_cut_keeping_its_extension() -> None:
    name = "Rent agreement Ananya Iyer and Prakash Kulkarni " * 7 + "final.pdf"

    cleaned = clean_display_name(name)

    assert len(name) > 300
    assert MAX_NAME_CHARS - 1 <= len(cleaned) <= MAX_NAME_CHARS
    assert cleaned.endswith(".pdf")
    assert name.startswith(cleaned.removesuffix(".pdf"))


def test_a_long_name_without_extension_is_cut_to_the_limit() -> None:
    cleaned = clean_display_name("x" * 300)

    assert cleaned == "x" * MAX_NAME_CHARS


# --- extensions --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "extension"),
    [
        ("scan.PDF", ".pdf"),
        ("photo.jpeg", ".jpeg"),
        ("letter.docx", ".docx"),
        ("backup.7z", ".7z"),
        ("scan.png.", ".png"),
        ("scan.png  ", ".png"),
        ("C:\\fakepath\\photo.JPG", ".jpg"),
        ("Aarav.Sharma", ""),
        ("marks 2023.24", ""),
        ("Dr. R. K. Iyer", ""),
        (".pdf", ""),
        ("marksheet", ""),
        ("archive.tar.gz", ".gz"),
        ("dir.pdf/photo", ""),
    ],
)
def test_file_extension_reads_only_what_looks_like_a_type(
    name: str, extension: str
) -> None:
    assert file_extension(name) == extension


# --- folders -----------------------------------------------------------------


@pytest.mark.parametrize("root", ["", "/", " / ", "//"])
def test_folder_root_is_the_empty_path(root: str) -> None:
    assert clean_folder(root) == ""


def test_folder_segments_are_cleaned_and_empty_ones_dropped() -> None:
    assert clean_folder(" /Education//  Class\tXII /") == "Education/Class XII"


def test_folder_segments_lose_control_and_format_characters() -> None:
    assert clean_folder("Property\u202e/Rent\x00 2024") == "Property/Rent 2024"


@pytest.mark.parametrize(
    "folder",
    ["../Education", "Education/..", "Education/./Class XII", "a/\u202e../b"],
)
def test_folder_with_dot_segments_is_refused(folder: str) -> None:
    with pytest.raises(InvalidFolder) as refused:
        clean_folder(folder)

    assert refused.value.field == "folder"


def test_folder_with_a_backslash_is_refused() -> None:
    with pytest.raises(InvalidFolder):
        clean_folder("Education\\Class XII")


def test_folder_segment_of_64_characters_is_kept_and_65_refused() -> None:
    assert clean_folder("a" * 64) == "a" * 64

    with pytest.raises(InvalidFolder):
        clean_folder("a" * 65)


def test_folder_nested_past_the_limit_is_refused() -> None:
    deepest = "/".join(f"level {n}" for n in range(MAX_FOLDER_DEPTH))

    assert clean_folder(deepest) == deepest
    with pytest.raises(InvalidFolder):
        clean_folder(deepest + "/one more")


# --- Content-Disposition -----------------------------------------------------


def test_content_disposition_offers_an_ascii_name_as_attachment() -> None:
    assert content_disposition("Rent agreement.pdf") == (
        'attachment; filename="Rent agreement.pdf"; '
        "filename*=UTF-8''Rent%20agreement.pdf"
    )


def test_content_disposition_inline_for_viewing_in_the_browser() -> None:
    assert content_disposition("scan.png", inline=True).startswith(
        'inline; filename="scan.png"'
    )


def test_content_disposition_carries_a_hindi_name_in_utf8() -> None:
    name = "अंकतालिका कक्षा १२.pdf"

    header = content_disposition(name)

    encoded = header.split("filename*=UTF-8''", 1)[1]
    assert unquote(encoded) == name
    assert header.isascii()


def test_content_disposition_folds_accents_in_the_fallback() -> None:
    header = content_disposition("José D\u2019Souza.pdf")

    assert 'filename="Jose D_Souza.pdf"' in header


@pytest.mark.parametrize(
    "hostile",
    [
        'x.pdf"; filename="evil.exe',
        "report.pdf\r\nSet-Cookie: session=stolen",
        "back\\slash.pdf",
        "95%41.pdf",
        "lone \udc80 surrogate.pdf",
    ],
)
def test_content_disposition_never_breaks_out_of_its_header(hostile: str) -> None:
    header = content_disposition(hostile)

    fallback = header.split('filename="', 1)[1].split('"; filename*=', 1)[0]
    assert "\r" not in header
    assert "\n" not in header
    assert '"' not in fallback
    assert "\\" not in fallback
    assert "%" not in fallback
    assert header.isascii()
    assert header.count('"') == 2


def test_content_disposition_drops_a_disguising_override() -> None:
    header = content_disposition("photo\u202egpj.exe")

    assert unquote(header.split("UTF-8''", 1)[1]) == "photogpj.exe"


def test_content_disposition_without_a_visible_name_names_nothing() -> None:
    assert content_disposition("\u202e") == "attachment"
