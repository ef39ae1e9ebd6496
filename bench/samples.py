"""Sample uploads: PDFs of scanned documents, as residents upload them most.

A scan is a PDF of one JPEG per page. Sensor noise makes the JPEGs
incompressible, as real scans are, so no layer (HTTP, a filesystem, the object
store) can shrink them and every byte costs what a real one does.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader

MIB = 1024 * 1024

# An A4 page scanned in colour at 200 dpi, saved as JPEG at quality 85: about
# 1.3 MB a page, the size a phone scanner app or an office scanner produces.
PAGE_WIDTH, PAGE_HEIGHT = 1654, 2339
JPEG_QUALITY = 85
SCAN_DPI = 200
# Room left for the PDF's own structure (catalogue, page objects, xref).
_PDF_SLACK = 16 * 1024

SAMPLE_TITLES = (
    "Marksheet class XII",
    "Rent agreement Pune",
    "Property tax receipt",
    "Bank statement FY 2026-27",
    "Birth certificate",
    "Degree certificate",
    "Electricity bill",
    "Passport scan",
)


def write_samples(folder: Path, files: int, size: int) -> list[Path]:
    """``files`` distinct scanned-document PDFs of at most ``size`` bytes each."""
    folder.mkdir()
    samples = []
    for number in range(files):
        title = SAMPLE_TITLES[number % len(SAMPLE_TITLES)]
        if number >= len(SAMPLE_TITLES):
            title = f"{title} {number // len(SAMPLE_TITLES) + 1}"
        path = folder / f"{title}.pdf"
        path.write_bytes(scanned_pdf(title, size, seed=number))
        samples.append(path)
    return samples


def scanned_pdf(title: str, size: int, *, seed: int) -> bytes:
    """A PDF of scanned pages, one JPEG each, as close to ``size`` as fits.

    Full A4 pages come first; the last is a shorter slip, cut to fill what is
    left. The same ``seed`` gives the same bytes.
    """
    rng = random.Random(seed)
    paper = _paper(title)
    pages: list[Image.Image] = []
    room = size - _PDF_SLACK
    while room > 0:
        page = _scan(paper, rng)
        cost = len(_jpeg(page))
        if cost > room:
            height = max(16, int(PAGE_HEIGHT * room / cost * 0.98))
            pages.append(page.crop((0, 0, PAGE_WIDTH, height)))
            break
        pages.append(page)
        room -= cost

    while True:
        document = _pdf(pages)
        if len(document) <= size:
            return document
        last = pages[-1]
        if last.height <= 16:
            raise ValueError(f"a scanned PDF cannot be made as small as {size} bytes")
        pages[-1] = last.crop((0, 0, last.width, last.height * 9 // 10))


def _paper(title: str) -> Image.Image:
    """The printed page before scanning: a heading and rows of particulars."""
    paper = Image.new("L", (PAGE_WIDTH, PAGE_HEIGHT), 236)
    draw = ImageDraw.Draw(paper)
    draw.text((150, 160), title.upper(), fill=20, font=ImageFont.load_default(46))
    body = ImageFont.load_default(28)
    rows = (
        "Name: Kavya Raghunathan        Father: S. Raghunathan",
        "Address: 21/4 Lakshmi Nagar, Coimbatore 641004",
        "Reference: TN-CBE-2026-0048213          Date: 14-03-2027",
    )
    for line in range(40):
        draw.text((150, 320 + 48 * line), rows[line % len(rows)], fill=40, font=body)
    return paper


def _scan(paper: Image.Image, rng: random.Random) -> Image.Image:
    """``paper`` as a colour scanner sees it: each channel with its own noise."""
    channels = [
        Image.blend(
            paper,
            Image.frombytes("L", paper.size, rng.randbytes(paper.width * paper.height)),
            0.22,
        )
        for _ in range(3)
    ]
    return Image.merge("RGB", channels)


def _jpeg(page: Image.Image) -> bytes:
    buffer = io.BytesIO()
    page.save(buffer, "JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()


def _pdf(pages: list[Image.Image]) -> bytes:
    buffer = io.BytesIO()
    pages[0].save(
        buffer,
        "PDF",
        save_all=True,
        append_images=pages[1:],
        resolution=SCAN_DPI,
        quality=JPEG_QUALITY,
        title="Scanned document",
    )
    return buffer.getvalue()


def page_count(sample: Path) -> int:
    """How many pages a sample has."""
    return len(PdfReader(sample).pages)
