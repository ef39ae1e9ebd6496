"""Sniffing, name checks and proof that an uploaded file opens.

Hostile files are built in ``tmp_path`` by ``tests.uploads.samples``; the
largest, a 30000 x 30000 PNG, takes about 110 KB.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageFile

from services.errors import (
    EmptyFile,
    FileDamaged,
    FileEncrypted,
    FileTypeMismatch,
    ImageTooLarge,
    LockerError,
    UnsupportedFileType,
)
from services.imaging import MAX_CONCURRENT_DECODES
from services.uploads.inspect import (
    MAX_PDF_OBJECT_STREAM_BYTES,
    MAX_PDF_PAGES,
    SNIFF_BYTES,
    FileFacts,
    FileKind,
    check_name,
    inspect_file,
    sniff,
)
from tests.uploads import samples

PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"
CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"


def _sample(tmp_path: Path, kind: FileKind) -> Path:
    if kind is FileKind.PDF:
        return samples.write_rent_agreement(tmp_path / "rent agreement.pdf")
    if kind is FileKind.JPEG:
        return samples.write_id_photo(tmp_path / "photo.jpg")
    return samples.write_marksheet_scan(tmp_path / "marksheet scan.png")


# --- FileKind ------------------------------------------------------------------


def test_each_kind_has_its_content_type_and_extension() -> None:
    assert [(kind.content_type, kind.extension) for kind in FileKind] == [
        ("application/pdf", ".pdf"),
        ("image/jpeg", ".jpg"),
        ("image/png", ".png"),
    ]


# --- sniff ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(FileKind))
def test_sniff_knows_each_type_from_its_first_bytes(
    tmp_path: Path, kind: FileKind
) -> None:
    head = _sample(tmp_path, kind).read_bytes()[:SNIFF_BYTES]

    assert sniff(head) is kind


def test_sniff_refuses_an_empty_file() -> None:
    with pytest.raises(EmptyFile):
        sniff(b"")


@pytest.mark.parametrize(
    "head",
    [
        b"GIF89a\x78\x00",
        b"PK\x03\x04\x14\x00\x06\x00",
        b"<!DOCTYPE html><html>",
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
        b"<svg onload=alert(1)>",
        b"\xef\xbb\xbf%PDF-1.7\n",
        b"<html>%PDF-1.7\n",
        b"\n%PDF-1.4\n",
        b"%PD",
        b"\x89PNG\r\n",
        b"\xff\xd8",
        b"Rent agreement between Ananya Iyer and Prakash Kulkarni",
    ],
    ids=[
        "gif",
        "zip",
        "html",
        "svg-xml",
        "svg",
        "bom-before-pdf",
        "html-before-pdf",
        "newline-before-pdf",
        "cut-pdf-signature",
        "cut-png-signature",
        "cut-jpeg-signature",
        "text",
    ],
)
def test_sniff_refuses_anything_else(head: bytes) -> None:
    with pytest.raises(UnsupportedFileType):
        sniff(head)


# --- check_name ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("report.pdf", FileKind.PNG),
        ("photo.jpg", FileKind.PDF),
        ("scan.docx", FileKind.PDF),
        ("notes.txt", FileKind.PDF),
        ("passport photo.png", FileKind.JPEG),
        ("marksheet.gif", FileKind.PNG),
        ("scan.png.", FileKind.PDF),
        ("C:\\fakepath\\aadhaar.jpeg", FileKind.PDF),
    ],
)
def test_check_name_refuses_an_extension_saying_another_type(
    name: str, kind: FileKind
) -> None:
    with pytest.raises(FileTypeMismatch) as refused:
        check_name(name, kind)

    assert kind.extension in refused.value.message


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("rent agreement.pdf", FileKind.PDF),
        ("RENT AGREEMENT.PDF", FileKind.PDF),
        ("photo.jpg", FileKind.JPEG),
        ("photo.JPG", FileKind.JPEG),
        ("photo.jpeg", FileKind.JPEG),
        ("IMG_20240525.Jpe", FileKind.JPEG),
        ("photo.jfif", FileKind.JPEG),
        ("scan.png", FileKind.PNG),
        ("marksheet", FileKind.PNG),
        ("Aarav.Sharma", FileKind.PDF),
        ("marks 2023.24", FileKind.PDF),
    ],
)
def test_check_name_accepts_a_fitting_or_missing_extension(
    name: str, kind: FileKind
) -> None:
    check_name(name, kind)


# --- inspect_file: files that open ---------------------------------------------


def test_a_one_page_rent_agreement_opens_as_a_pdf(tmp_path: Path) -> None:
    agreement = samples.write_rent_agreement(tmp_path / "agreement.pdf")

    assert inspect_file(agreement) == FileFacts(
        kind=FileKind.PDF, content_type="application/pdf", pages=1
    )


def test_pages_of_a_pdf_are_counted(tmp_path: Path) -> None:
    agreement = samples.write_rent_agreement(tmp_path / "agreement.pdf", pages=4)

    assert inspect_file(agreement).pages == 4


def test_a_pdf_saved_with_object_streams_opens(tmp_path: Path) -> None:
    saved = samples.write_pdf_with_object_streams(tmp_path / "word.pdf", pages=3)

    assert inspect_file(saved).pages == 3


def test_a_photo_opens_as_a_jpeg_with_its_dimensions(tmp_path: Path) -> None:
    photo = samples.write_id_photo(tmp_path / "photo.jpg")

    assert inspect_file(photo) == FileFacts(
        kind=FileKind.JPEG, content_type="image/jpeg", width=413, height=531
    )


def test_a_scan_opens_as_a_png_with_its_dimensions(tmp_path: Path) -> None:
    scan = samples.write_marksheet_scan(tmp_path / "scan.png")

    assert inspect_file(scan) == FileFacts(
        kind=FileKind.PNG, content_type="image/png", width=827, height=1169
    )


@pytest.mark.parametrize("kind", list(FileKind))
def test_samples_are_small_and_the_same_every_time(
    tmp_path: Path, kind: FileKind
) -> None:
    (tmp_path / "first").mkdir()
    (tmp_path / "second").mkdir()

    first = _sample(tmp_path / "first", kind)
    second = _sample(tmp_path / "second", kind)

    assert first.stat().st_size < 200_000
    assert first.read_bytes() == second.read_bytes()


# --- inspect_file: refused types -----------------------------------------------


def test_an_empty_upload_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "scan.pdf"
    empty.write_bytes(b"")

    with pytest.raises(EmptyFile):
        inspect_file(empty)


def test_a_png_named_pdf_is_found_out_by_its_content(tmp_path: Path) -> None:
    scan = samples.write_marksheet_scan(tmp_path / "report.pdf")

    facts = inspect_file(scan)

    assert facts.kind is FileKind.PNG
    with pytest.raises(FileTypeMismatch):
        check_name("report.pdf", facts.kind)


@pytest.mark.parametrize(
    "write",
    [samples.write_gif_image, samples.write_word_document, samples.write_html_page],
    ids=["gif", "docx", "html"],
)
def test_other_types_named_pdf_are_refused(
    tmp_path: Path, write: Callable[[Path], Path]
) -> None:
    upload = write(tmp_path / "marksheet.pdf")

    with pytest.raises(UnsupportedFileType):
        inspect_file(upload)


# --- inspect_file: damaged PDFs ------------------------------------------------


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9, 0.99])
def test_a_truncated_pdf_is_damaged(tmp_path: Path, keep: float) -> None:
    agreement = samples.write_rent_agreement(tmp_path / "agreement.pdf", pages=3)
    cut = samples.write_truncated_copy(agreement, tmp_path / "cut.pdf", keep=keep)

    with pytest.raises(FileDamaged):
        inspect_file(cut)


def test_a_pdf_whose_cross_reference_table_is_garbage_is_damaged(
    tmp_path: Path,
) -> None:
    garbled = samples.write_pdf_with_garbled_xref(tmp_path / "garbled.pdf")

    with pytest.raises(FileDamaged):
        inspect_file(garbled)


def test_a_pdf_whose_table_misplaces_its_pages_is_damaged(tmp_path: Path) -> None:
    # The table is well formed, but page 3 0 R "starts" at the catalog.
    pdf = samples.pdf_from_objects(
        [CATALOG, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", PAGE]
    )
    catalog_offset = pdf.index(b"1 0 obj")
    page_offset = pdf.index(b"3 0 obj")
    pdf = pdf.replace(b"%010d 00000 n" % page_offset, b"%010d 00000 n" % catalog_offset)
    upload = tmp_path / "misplaced.pdf"
    upload.write_bytes(pdf)

    with pytest.raises(FileDamaged):
        inspect_file(upload)


def test_a_pdf_whose_page_is_missing_from_the_table_is_damaged(
    tmp_path: Path,
) -> None:
    # Page 4 0 R is in the file, but its table entry says "free".
    pdf = samples.pdf_from_objects(
        [CATALOG, b"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>", PAGE, PAGE]
    )
    second_page_offset = pdf.index(b"4 0 obj")
    pdf = pdf.replace(b"%010d 00000 n" % second_page_offset, b"0000000000 65535 f")
    upload = tmp_path / "missing.pdf"
    upload.write_bytes(pdf)

    with pytest.raises(FileDamaged):
        inspect_file(upload)


def test_a_pdf_without_pages_is_damaged(tmp_path: Path) -> None:
    upload = tmp_path / "blank.pdf"
    upload.write_bytes(
        samples.pdf_from_objects([CATALOG, b"<< /Type /Pages /Kids [] /Count 0 >>"])
    )

    with pytest.raises(FileDamaged):
        inspect_file(upload)


def test_a_pdf_whose_page_tree_loops_is_damaged(tmp_path: Path) -> None:
    upload = tmp_path / "loop.pdf"
    upload.write_bytes(
        samples.pdf_from_objects(
            [
                CATALOG,
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>",
            ]
        )
    )

    with pytest.raises(FileDamaged):
        inspect_file(upload)


def test_a_pdf_nesting_arrays_100000_deep_is_damaged(tmp_path: Path) -> None:
    deep_page = PAGE.replace(b">>", b"/Junk " + b"[" * 100_000 + b"]" * 100_000 + b">>")
    upload = tmp_path / "deep.pdf"
    upload.write_bytes(
        samples.pdf_from_objects(
            [CATALOG, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", deep_page]
        )
    )

    with pytest.raises(FileDamaged):
        inspect_file(upload)


def test_a_pdf_resolving_through_20000_references_is_damaged(tmp_path: Path) -> None:
    # The media box is 4 0 R, which is 5 0 R, ... : pypdf raises AttributeError.
    chain = [b"%d 0 R" % (number + 1) for number in range(4, 20_000)]
    upload = tmp_path / "chain.pdf"
    upload.write_bytes(
        samples.pdf_from_objects(
            [
                CATALOG,
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox 4 0 R >>",
                *chain,
                b"[0 0 595 842]",
            ]
        )
    )

    with pytest.raises(FileDamaged):
        inspect_file(upload)


# --- inspect_file: PDFs over the limits ----------------------------------------


def test_a_page_tree_claiming_a_million_pages_is_refused(tmp_path: Path) -> None:
    bomb = samples.write_pdf_page_tree_bomb(tmp_path / "bomb.pdf", fan_out=100, depth=3)

    with pytest.raises(FileDamaged) as refused:
        inspect_file(bomb)

    assert f"{MAX_PDF_PAGES:,} pages" in refused.value.message


def test_a_pdf_of_exactly_the_page_limit_opens(tmp_path: Path) -> None:
    upload = _write_blank_pages(tmp_path / "long.pdf", MAX_PDF_PAGES)

    assert inspect_file(upload).pages == MAX_PDF_PAGES


def test_a_pdf_of_one_page_over_the_limit_is_refused(tmp_path: Path) -> None:
    upload = _write_blank_pages(tmp_path / "longer.pdf", MAX_PDF_PAGES + 1)

    with pytest.raises(FileDamaged):
        inspect_file(upload)


def _write_blank_pages(path: Path, count: int) -> Path:
    """A PDF of ``count`` blank pages, all one shared page object."""
    kids = b"3 0 R " * count
    pages = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count)
    path.write_bytes(samples.pdf_from_objects([CATALOG, pages, PAGE]))
    return path


def test_object_streams_inflating_past_the_budget_are_refused(tmp_path: Path) -> None:
    padding = MAX_PDF_OBJECT_STREAM_BYTES // 2 + 1
    bomb = samples.write_pdf_with_object_streams(
        tmp_path / "inflating.pdf", pages=2, padding=padding
    )

    with pytest.raises(FileDamaged):
        inspect_file(bomb)

    assert bomb.stat().st_size < 100_000


def test_object_streams_within_the_budget_open(tmp_path: Path) -> None:
    padding = MAX_PDF_OBJECT_STREAM_BYTES // 32
    padded = samples.write_pdf_with_object_streams(
        tmp_path / "padded.pdf", pages=2, padding=padding
    )

    assert inspect_file(padded).pages == 2


# --- inspect_file: encrypted PDFs ----------------------------------------------


def test_a_pdf_with_only_an_owner_password_is_refused(tmp_path: Path) -> None:
    encrypted = samples.write_encrypted_pdf(tmp_path / "locked.pdf")

    with pytest.raises(FileEncrypted):
        inspect_file(encrypted)


def test_a_pdf_that_asks_for_a_password_is_refused(tmp_path: Path) -> None:
    encrypted = samples.write_encrypted_pdf(
        tmp_path / "locked.pdf", user_password="ananya1997"
    )

    with pytest.raises(FileEncrypted):
        inspect_file(encrypted)


# --- inspect_file: images ------------------------------------------------------


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.95])
@pytest.mark.parametrize("kind", [FileKind.JPEG, FileKind.PNG])
def test_a_truncated_image_is_damaged(
    tmp_path: Path, kind: FileKind, keep: float
) -> None:
    image = _sample(tmp_path, kind)
    cut = samples.write_truncated_copy(
        image, tmp_path / f"cut{kind.extension}", keep=keep
    )

    with pytest.raises(FileDamaged):
        inspect_file(cut)


def test_a_decompression_bomb_is_refused_before_decoding(tmp_path: Path) -> None:
    bomb = samples.write_png_bomb(tmp_path / "bomb.png", 30_000, 30_000)

    with pytest.raises(ImageTooLarge):
        inspect_file(bomb)

    assert bomb.stat().st_size < 200_000


def test_an_image_over_the_default_limit_but_under_pillows_is_refused(
    tmp_path: Path,
) -> None:
    # 64 megapixels: Pillow alone would decode it without a word.
    large = samples.write_png_bomb(tmp_path / "large.png", 8_000, 8_000)

    with pytest.raises(ImageTooLarge):
        inspect_file(large)


@pytest.mark.parametrize(
    ("pixels", "width", "height"),
    [("rgba", 6_000, 6_000), ("grey16", 9_000, 9_000)],
)
def test_an_image_too_heavy_to_decode_is_refused_under_the_pixel_limit(
    tmp_path: Path, pixels: str, width: int, height: int
) -> None:
    # 36 and 81 megapixels, under the limit given, but 144 and 162 MB decoded.
    bomb = samples.write_png_bomb(tmp_path / "bomb.png", width, height, pixels=pixels)

    with pytest.raises(ImageTooLarge) as refused:
        inspect_file(bomb, max_image_pixels=Image.MAX_IMAGE_PIXELS or 10**9)

    assert refused.value.code == "IMAGE_TOO_LARGE"
    assert bomb.stat().st_size < 300_000


def test_a_large_image_within_the_decoding_budget_opens(tmp_path: Path) -> None:
    # A 600 dpi A4 greyscale scan: 35 megapixels, 35 MB decoded.
    scan = tmp_path / "scan.png"
    Image.new("L", (4_960, 7_016), 255).save(scan)

    assert inspect_file(scan).height == 7_016


@pytest.mark.parametrize(
    ("width", "height"),
    [(2**31 - 1, 2**31 - 1), (2**31 - 1, 1), (1, 60_000_000)],
)
def test_absurd_dimensions_are_refused(tmp_path: Path, width: int, height: int) -> None:
    claim = samples.write_png_claiming_size(tmp_path / "claim.png", width, height)

    with pytest.raises(ImageTooLarge):
        inspect_file(claim)


def test_an_image_of_zero_width_is_damaged(tmp_path: Path) -> None:
    claim = samples.write_png_claiming_size(tmp_path / "empty.png", 0, 100)

    with pytest.raises(FileDamaged):
        inspect_file(claim)


def test_the_pixel_limit_is_the_callers(tmp_path: Path) -> None:
    photo = samples.write_id_photo(tmp_path / "photo.jpg")  # 413 x 531 = 219,303

    assert inspect_file(photo, max_image_pixels=219_303).width == 413
    with pytest.raises(ImageTooLarge):
        inspect_file(photo, max_image_pixels=219_302)


def test_a_limit_above_pillows_is_held_to_pillows(tmp_path: Path) -> None:
    # 100 megapixels: over Pillow's 89, under twice that. The suite turns
    # Pillow's warning into an error; either way the image is refused.
    large = samples.write_png_bomb(tmp_path / "large.png", 10_000, 10_000)

    with pytest.raises(ImageTooLarge):
        inspect_file(large, max_image_pixels=10**9)


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_a_limit_above_pillows_holds_where_pillow_only_warns(tmp_path: Path) -> None:
    large = samples.write_png_bomb(tmp_path / "large.png", 10_000, 10_000)

    with pytest.raises(ImageTooLarge):
        inspect_file(large, max_image_pixels=10**9)


def test_pillows_global_limit_is_never_changed(tmp_path: Path) -> None:
    before = Image.MAX_IMAGE_PIXELS
    photo = samples.write_id_photo(tmp_path / "photo.jpg")

    with pytest.raises(ImageTooLarge):
        inspect_file(photo, max_image_pixels=1_000)

    assert before == Image.MAX_IMAGE_PIXELS


def test_parallel_checks_keep_their_own_pixel_limits(tmp_path: Path) -> None:
    photo = samples.write_id_photo(tmp_path / "photo.jpg")
    limits = [1_000, 50_000_000] * 20

    def outcome(limit: int) -> str:
        try:
            return f"{inspect_file(photo, max_image_pixels=limit).width}"
        except ImageTooLarge:
            return "too large"

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(outcome, limits))

    assert outcomes == ["too large", "413"] * 20


def test_parallel_checks_decode_at_most_a_few_images_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scan = samples.write_marksheet_scan(tmp_path / "scan.png")
    original_load = ImageFile.ImageFile.load
    guard = threading.Lock()
    decoding_now = 0
    most = 0

    def slow_load(image: ImageFile.ImageFile) -> Any:
        nonlocal decoding_now, most
        with guard:
            decoding_now += 1
            most = max(most, decoding_now)
        try:
            time.sleep(0.02)
            return original_load(image)
        finally:
            with guard:
                decoding_now -= 1

    monkeypatch.setattr(ImageFile.ImageFile, "load", slow_load)
    with ThreadPoolExecutor(max_workers=8) as pool:
        heights = list(pool.map(lambda _: inspect_file(scan).height, range(16)))

    assert len(set(heights)) == 1
    assert most == MAX_CONCURRENT_DECODES


# --- nothing else escapes, and nothing is logged -------------------------------


@pytest.mark.parametrize("kind", list(FileKind))
def test_garbled_files_fail_only_with_locker_errors(
    tmp_path: Path, kind: FileKind
) -> None:
    original = _sample(tmp_path, kind).read_bytes()
    upload = tmp_path / f"garbled{kind.extension}"
    escaped = []

    for seed in range(150):
        generator = random.Random(seed)
        garbled = bytearray(original)
        for _ in range(generator.randint(1, 8)):
            garbled[generator.randrange(len(garbled))] = generator.randrange(256)
        if seed % 3 == 0:
            garbled = garbled[: generator.randrange(1, len(garbled))]
        upload.write_bytes(bytes(garbled))
        try:
            inspect_file(upload)
        except LockerError:
            pass
        except Exception as error:
            escaped.append((seed, repr(error)))

    assert escaped == []


def test_pypdf_logs_nothing_about_a_residents_file(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    garbled = samples.write_pdf_with_garbled_xref(tmp_path / "garbled.pdf")

    with caplog.at_level(logging.DEBUG), pytest.raises(FileDamaged):
        inspect_file(garbled)

    assert [
        record for record in caplog.records if record.name.startswith("pypdf")
    ] == []
