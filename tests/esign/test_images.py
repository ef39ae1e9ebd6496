"""A JPEG or PNG upload becomes a one-page A4 PDF, ready to eSign."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from pypdf import PageObject, PdfReader
from pypdf.generic import ContentStream
from reportlab.lib.pagesizes import A4

from services.errors import FileDamaged, ImageTooLarge, UnsupportedFileType
from services.esign.ca import LockerCA
from services.esign.signing import image_to_pdf
from services.esign.verify import verify_pdf
from tests.esign.conftest import ESign
from tests.esign.samples import id_photo, scanned_png, stamp_lines
from tests.uploads.samples import write_png_bomb


def test_photo_becomes_one_a4_page_that_pypdf_opens(tmp_path: Path) -> None:
    pdf = _converted(id_photo(tmp_path / "photo.jpg"))

    reader = PdfReader(BytesIO(pdf))

    assert len(reader.pages) == 1
    assert len(reader.pages[0].images) == 1
    assert _page_size(reader.pages[0]) == pytest.approx(A4, abs=0.01)


def test_photo_is_turned_upright_as_its_exif_says(tmp_path: Path) -> None:
    pdf = _converted(id_photo(tmp_path / "photo.jpg", size=(480, 360)))

    page = PdfReader(BytesIO(pdf)).pages[0]
    picture = page.images[0].image

    assert picture is not None
    assert picture.size == (360, 480)
    red, green, _ = picture.convert("RGB").getpixel((180, 5))  # type: ignore[misc]
    assert red > 150
    assert green < 80


def test_picture_keeps_its_aspect_ratio_and_fills_the_page_width(
    tmp_path: Path,
) -> None:
    pdf = _converted(scanned_png(tmp_path / "scan.png", size=(600, 800)))

    page = PdfReader(BytesIO(pdf)).pages[0]
    width, height = _drawn_size(page)

    assert width / height == pytest.approx(600 / 800, rel=0.001)
    assert width == pytest.approx(A4[0] - 72, abs=0.5)


def test_landscape_picture_gets_a_landscape_page(tmp_path: Path) -> None:
    path = tmp_path / "tenancy-receipt.png"
    Image.new("RGB", (1200, 500), (250, 250, 245)).save(path)

    page = PdfReader(BytesIO(_converted(path))).pages[0]

    width, height = _page_size(page)
    drawn_width, drawn_height = _drawn_size(page)
    assert width > height
    assert drawn_width / drawn_height == pytest.approx(1200 / 500, rel=0.001)


def test_transparent_parts_of_a_png_turn_white(tmp_path: Path) -> None:
    pdf = _converted(scanned_png(tmp_path / "scan.png"))

    picture = PdfReader(BytesIO(pdf)).pages[0].images[0].image

    assert picture is not None
    assert picture.mode == "RGB"
    assert picture.getpixel((300, 20)) == (255, 255, 255)


def test_a_large_photo_is_scaled_down_to_300_dpi(tmp_path: Path) -> None:
    path = tmp_path / "aadhaar-less-id.jpg"
    Image.new("RGB", (3000, 4000), (120, 140, 160)).save(path, quality=85)

    picture = PdfReader(BytesIO(_converted(path))).pages[0].images[0].image

    assert picture is not None
    printed_width_inches = (A4[0] - 72) / 72
    assert picture.width == pytest.approx(printed_width_inches * 300, abs=2)


def test_an_image_with_too_many_pixels_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "panorama.png"
    Image.new("1", (8000, 8000)).save(path)

    with pytest.raises(ImageTooLarge):
        _converted(path)


def test_an_image_too_heavy_to_decode_is_refused(tmp_path: Path) -> None:
    # 36 megapixels, under the pixel limit, but 144 MB of RGBA once decoded.
    bomb = write_png_bomb(tmp_path / "bomb.png", 6_000, 6_000, pixels="rgba")

    with pytest.raises(ImageTooLarge):
        _converted(bomb)


def test_a_bilevel_scan_is_scaled_down_smoothly(tmp_path: Path) -> None:
    # A 600 dpi black-and-white scan: thin lines must turn grey, not vanish or
    # turn jagged, when scaled to 300 dpi.
    path = tmp_path / "scan.png"
    scan = Image.new("1", (4_960, 7_016), 1)
    draw = ImageDraw.Draw(scan)
    for y in range(0, 7_016, 7):
        draw.line([(0, y), (4_959, y)], fill=0)
    scan.save(path)

    picture = PdfReader(BytesIO(_converted(path))).pages[0].images[0].image

    assert picture is not None
    assert picture.width == pytest.approx((A4[0] - 72) / 72 * 300, abs=2)
    histogram = picture.convert("L").histogram()
    greys = sum(histogram[40:216])
    assert greys > picture.width * picture.height // 4


def test_a_palette_png_keeps_its_colours(tmp_path: Path) -> None:
    path = tmp_path / "stamp-paper.png"
    Image.new("RGB", (3_000, 4_000), (30, 90, 200)).convert(
        "P", palette=Image.Palette.ADAPTIVE
    ).save(path)

    picture = PdfReader(BytesIO(_converted(path))).pages[0].images[0].image

    assert picture is not None
    red, green, blue = picture.convert("RGB").getpixel((10, 10))  # type: ignore[misc]
    assert (red, green, blue) == pytest.approx((30, 90, 200), abs=3)


def test_a_gif_is_not_a_supported_image(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    Image.new("RGB", (40, 40)).save(path, format="GIF")

    with pytest.raises(UnsupportedFileType):
        _converted(path)


def test_a_truncated_photo_is_damaged(tmp_path: Path) -> None:
    photo = id_photo(tmp_path / "photo.jpg").read_bytes()
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(photo[: len(photo) // 2])

    with pytest.raises(FileDamaged):
        _converted(cut)


def test_converted_photo_can_be_esigned_and_verified(
    tmp_path: Path, esign: ESign, ca: LockerCA
) -> None:
    pdf = _converted(id_photo(tmp_path / "photo.jpg"))

    signed = esign(pdf)

    verdict = verify_pdf(signed, ca_certificate_pem=ca.certificate_pem)
    assert verdict.valid
    assert stamp_lines(signed) == ["Self-attested by Anjali Deshmukh on 14 Mar 2026"]


def _converted(image: Path) -> bytes:
    output = BytesIO()
    image_to_pdf(image, output)
    return output.getvalue()


def _page_size(page: PageObject) -> tuple[float, float]:
    return float(page.mediabox.width), float(page.mediabox.height)


def _drawn_size(page: PageObject) -> tuple[float, float]:
    """The width and height the page's one image is drawn at, in points."""
    operations = ContentStream(page.get_contents(), None).operations
    placements = [operands for operands, operator in operations if operator == b"cm"]
    # The last transformation before the image is drawn scales it to its size.
    width, _, _, height, _, _ = placements[-1]
    return float(width), float(height)
