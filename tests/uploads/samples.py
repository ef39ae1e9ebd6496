"""Files a resident might upload, and hostile ones, for the upload tests.

Realistic files (invented people only): Ananya Iyer's rent agreement as a PDF
made with reportlab, her passport-size photo as a JPEG and a scan of her
Class XII marksheet as a PNG, all made with Pillow. Each is under 200 KB and
the same bytes on every run with the same library versions.

Hostile files: a truncated copy, a PDF with a garbled cross-reference table,
a password-protected PDF, PNG decompression bombs and headers claiming absurd
sizes, a PDF page tree that claims a million pages, and files of other types
(GIF, a Word document, HTML) to upload under a ``.pdf`` name. Bombs are built
in a few KB, never committed.

Every builder writes to the path it is given and returns that path.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

TENANT = "Ananya Iyer"
LANDLORD = "Prakash Kulkarni"
OWNER_PASSWORD = "kulkarni-owner-2024"

_AGREEMENT_TERMS = (
    "1. The Licensor grants the Licensee leave and licence to occupy Flat 302,",
    "   Shree Ganesh Apartments, Plot 14, Baner Road, Pune 411045, for eleven",
    "   months from 1 June 2024 to 30 April 2025.",
    "2. The monthly licence fee is Rs. 18,500 (Rupees Eighteen Thousand Five",
    "   Hundred only), payable on or before the 5th of each month by bank",
    "   transfer to the Licensor's account.",
    "3. The Licensee has paid an interest-free refundable security deposit of",
    "   Rs. 55,000, to be returned within 15 days of the Licensee vacating.",
    "4. Electricity (MSEDCL consumer no. 170019845231) and piped gas are paid by",
    "   the Licensee; society maintenance and property tax by the Licensor.",
    "5. Either party may end this agreement with one month's written notice.",
    "6. The Licensee shall use the flat for residence only and shall not sublet.",
)
_SCHEDULE = (
    "Schedule I: fittings and fixtures handed over",
    "Ceiling fans: 4    Tube lights: 6    Geyser (15 L): 1",
    "Modular kitchen with chimney and hob    Wardrobes: 2",
    "Keys: main door 2, bedroom 2, letter box 1",
)


def write_rent_agreement(path: Path, *, pages: int = 1) -> Path:
    """Ananya Iyer's leave and licence agreement for a flat in Pune, A4.

    Page one holds the parties, terms and signatures; any further pages repeat
    the schedule of fittings, for tests that count pages.
    """
    canvas = Canvas(str(path), pagesize=A4, invariant=True)
    canvas.setTitle("Leave and Licence Agreement")
    width, height = A4

    canvas.setFont("Helvetica-Bold", 15)
    canvas.drawCentredString(width / 2, height - 30 * mm, "LEAVE AND LICENCE AGREEMENT")
    canvas.setFont("Helvetica", 10)
    lines = (
        "This agreement is made at Pune on 25 May 2024 between",
        f"{LANDLORD}, aged 58, of 7 Prabhat Road, Pune 411004 (the Licensor), and",
        f"{TENANT}, aged 27, of 12 Gandhi Nagar, Coimbatore 641012 (the Licensee).",
        "",
        *_AGREEMENT_TERMS,
    )
    text = canvas.beginText(20 * mm, height - 45 * mm)
    text.setLeading(15)
    for line in lines:
        text.textLine(line)
    canvas.drawText(text)
    for x, name, role in ((20, LANDLORD, "Licensor"), (120, TENANT, "Licensee")):
        canvas.line(x * mm, 60 * mm, (x + 60) * mm, 60 * mm)
        canvas.drawString(x * mm, 54 * mm, f"{name} ({role})")
    canvas.drawString(
        20 * mm, 40 * mm, "Witness: Sunita Deshpande, 3 Model Colony, Pune"
    )
    canvas.showPage()

    for number in range(2, pages + 1):
        canvas.setFont("Helvetica", 10)
        text = canvas.beginText(20 * mm, height - 30 * mm)
        text.setLeading(15)
        for line in _SCHEDULE:
            text.textLine(line)
        canvas.drawText(text)
        canvas.drawString(width / 2, 15 * mm, f"Page {number} of {pages}")
        canvas.showPage()
    canvas.save()
    return path


def write_id_photo(path: Path) -> Path:
    """A passport-size photo (35 x 45 mm at 300 dpi): a face on a pale wall."""
    photo = Image.new("RGB", (413, 531), (222, 231, 240))
    draw = ImageDraw.Draw(photo)
    draw.ellipse((96, 470, 317, 700), fill=(34, 52, 96))
    draw.rectangle((178, 330, 235, 420), fill=(176, 128, 100))
    draw.ellipse((126, 110, 287, 340), fill=(184, 136, 106))
    draw.pieslice((118, 90, 295, 300), 180, 360, fill=(28, 22, 20))
    for eye_x in (170, 222):
        draw.ellipse((eye_x, 210, eye_x + 20, 222), fill=(40, 30, 28))
    draw.arc((180, 260, 233, 295), 20, 160, fill=(120, 60, 60), width=3)
    photo.save(path, format="JPEG", quality=85)
    return path


def write_marksheet_scan(path: Path) -> Path:
    """A greyscale 100 dpi A4 scan of Ananya Iyer's Class XII marksheet."""
    scan = Image.new("L", (827, 1169), 244)
    draw = ImageDraw.Draw(scan)
    heading = ImageFont.load_default(size=26)
    body = ImageFont.load_default(size=17)
    draw.text((413, 80), "Central Board of Secondary Education", 20, heading, "mm")
    draw.text((413, 125), "Senior School Certificate Examination 2024", 40, body, "mm")
    rows = (
        ("Name", TENANT),
        ("Mother's name", "Lakshmi Iyer"),
        ("Father's name", "Venkatesh Iyer"),
        ("Roll number", "26104733"),
        ("School", "27152 Kendriya Vidyalaya, Coimbatore"),
    )
    for index, (label, value) in enumerate(rows):
        draw.text((80, 190 + index * 34), f"{label}: {value}", 30, body)
    subjects = (
        ("301", "English Core", "88", "A1"),
        ("041", "Mathematics", "94", "A1"),
        ("042", "Physics", "81", "A2"),
        ("043", "Chemistry", "85", "A2"),
        ("083", "Computer Science", "97", "A1"),
    )
    top = 400
    draw.rectangle((70, top, 757, top + 40 * (len(subjects) + 1)), outline=60, width=2)
    for index, row in enumerate((("Code", "Subject", "Marks", "Grade"), *subjects)):
        y = top + 10 + index * 40
        for x, cell in zip((85, 185, 520, 640), row, strict=True):
            draw.text((x, y), cell, 30, body)
        draw.line((70, y + 30, 757, y + 30), fill=150)
    draw.text((80, 700), "Result: PASS    Total: 445 / 500", 30, body)
    scan.save(path, format="PNG", optimize=True)
    return path


def write_truncated_copy(source: Path, path: Path, *, keep: float = 0.5) -> Path:
    """The first ``keep`` fraction of ``source``, as an interrupted download."""
    data = source.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path


def write_pdf_with_garbled_xref(path: Path) -> Path:
    """The rent agreement with its cross-reference entries overwritten.

    The file keeps its length, ``startxref`` and ``%%EOF``: only the table
    that says where each object starts is garbage.
    """
    data = bytearray(write_rent_agreement(path).read_bytes())
    table = data.rindex(b"\nxref\n") + 1
    entries = data.index(b"\n", data.index(b"\n", table) + 1) + 1
    trailer = data.index(b"trailer", entries)
    garbage = b"garbage!" * ((trailer - entries) // 8 + 1)
    data[entries:trailer] = garbage[: trailer - entries]
    path.write_bytes(bytes(data))
    return path


def write_encrypted_pdf(path: Path, *, user_password: str = "") -> Path:
    """The rent agreement encrypted with AES-256 under an owner password.

    With the default empty user password, any viewer opens it without asking;
    only editing and printing are restricted. The bytes differ on every run:
    encryption draws random salts.
    """
    writer = PdfWriter(clone_from=write_rent_agreement(path))
    writer.encrypt(
        user_password=user_password,
        owner_password=OWNER_PASSWORD,
        algorithm="AES-256",
    )
    writer.write(path)
    return path


def write_png_bomb(
    path: Path, width: int, height: int, *, pixels: str = "bilevel"
) -> Path:
    """A real black PNG of ``width`` x ``height``, compressed about 1000:1.

    ``pixels`` is ``bilevel`` (1 bit a pixel), ``rgba`` (8-bit colour with
    alpha) or ``grey16`` (16-bit greyscale). A bilevel 30000 x 30000 takes
    about 110 KB on disk and 900 MB once decoded; an RGBA 6000 x 6000 takes
    about 140 KB and 144 MB.
    """
    bits, colour_type, bytes_per_pixel = _PNG_PIXELS[pixels]
    row = bytes(1 + (width * bits * bytes_per_pixel + 7) // 8)
    rows_per_block = max(1, 4_000_000 // len(row))
    compressor = zlib.compressobj(9)
    compressed = bytearray()
    for first_row in range(0, height, rows_per_block):
        block_rows = min(rows_per_block, height - first_row)
        compressed += compressor.compress(row * block_rows)
    compressed += compressor.flush()
    path.write_bytes(
        _png(width, height, bytes(compressed), bits=bits, colour_type=colour_type)
    )
    return path


# bit depth, PNG colour type, samples a pixel
_PNG_PIXELS = {"bilevel": (1, 0, 1), "rgba": (8, 6, 4), "grey16": (16, 0, 1)}


def write_png_claiming_size(path: Path, width: int, height: int) -> Path:
    """A PNG header claiming ``width`` x ``height`` over an empty image stream."""
    path.write_bytes(_png(width, height, zlib.compress(b"")))
    return path


def write_pdf_page_tree_bomb(path: Path, *, fan_out: int = 100, depth: int = 3) -> Path:
    """A 2 KB PDF whose page tree claims ``fan_out ** depth`` pages.

    Every level's ``/Kids`` lists the one node below it ``fan_out`` times, so
    a million pages need only a few objects.
    """
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(depth):
        child = 3 + level
        kids = f"{child} 0 R ".encode() * fan_out
        count = fan_out ** (depth - level)
        objects.append(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count))
    objects.append(page)
    path.write_bytes(pdf_from_objects(objects))
    return path


def write_pdf_with_object_streams(path: Path, *, pages: int, padding: int = 0) -> Path:
    """A PDF 1.5 file keeping each page in its own compressed object stream.

    Object streams and a cross-reference stream are how Word and Acrobat save
    by default. ``padding`` spaces after each page inflate its stream: a few
    bytes compressed, ``padding`` bytes for the reader to decode and skip.
    """
    first_page = 3 + pages
    pdf = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    entries = {0: (0, 0, 65535)}

    def add(number: int, body: bytes) -> None:
        entries[number] = (1, len(pdf), 0)
        pdf.extend(b"%d 0 obj\n%s\nendobj\n" % (number, body))

    add(1, b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = b" ".join(b"%d 0 R" % (first_page + index) for index in range(pages))
    add(2, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages))
    for index in range(pages):
        stream_number, page_number = 3 + index, first_page + index
        header = b"%d 0 " % page_number
        page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"
        data = zlib.compress(header + page + b" " * padding, 9)
        add(
            stream_number,
            b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\n"
            b"stream\n%s\nendstream" % (len(header), len(data), data),
        )
        entries[page_number] = (2, stream_number, 0)

    xref_number = first_page + pages
    entries[xref_number] = (1, len(pdf), 0)
    rows = b"".join(
        struct.pack(">BIH", *entries[number]) for number in range(xref_number + 1)
    )
    data = zlib.compress(rows)
    pdf += (
        b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R "
        b"/Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream\nendobj\n"
        % (xref_number, xref_number + 1, len(data), data)
    )
    pdf += b"startxref\n%d\n%%%%EOF\n" % entries[xref_number][1]
    path.write_bytes(bytes(pdf))
    return path


def pdf_from_objects(objects: Sequence[bytes]) -> bytes:
    """A PDF of the numbered ``objects`` (the first is the catalog), with a
    correct cross-reference table, for building structures no writer makes."""
    pdf = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    table = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        pdf += b"%010d 00000 n \n" % offset
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    pdf += b"startxref\n%d\n%%%%EOF\n" % table
    return bytes(pdf)


def write_gif_image(path: Path) -> Path:
    """A small GIF: a supported-looking image of an unsupported type."""
    Image.new("P", (120, 80), 3).save(path, format="GIF")
    return path


def write_word_document(path: Path) -> Path:
    """A minimal .docx (a ZIP archive), fixed timestamps for fixed bytes."""
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types/>',
        "word/document.xml": f'<?xml version="1.0"?><document>{TENANT}</document>',
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(zipfile.ZipInfo(name, (2024, 5, 25, 10, 0, 0)), text)
    path.write_bytes(buffer.getvalue())
    return path


def write_html_page(path: Path) -> Path:
    """An HTML page with a script, as a stored-XSS attempt would upload it."""
    path.write_text(
        "<!DOCTYPE html><html><body><script>fetch('/graphql')</script></body></html>\n",
        encoding="utf-8",
    )
    return path


def _png(
    width: int, height: int, image_data: bytes, *, bits: int = 1, colour_type: int = 0
) -> bytes:
    """A PNG from its compressed image stream (1-bit greyscale by default)."""
    header = struct.pack(">IIBBBBB", width, height, bits, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", image_data)
        + _png_chunk(b"IEND", b"")
    )


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    checksum = zlib.crc32(kind + data)
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", checksum)
