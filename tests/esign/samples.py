"""Files residents eSign in these tests, and ways to look inside the result.

All people are invented: a two-page rent agreement between a Pune landlord
and a tenant, a passport-size ID photo taken sideways on a phone, and a
scanned PNG with a transparent margin.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from PIL import Image, ImageDraw
from pypdf import PdfReader
from pypdf.generic import ContentStream, RectangleObject
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

TENANT = "Anjali Deshmukh"
TENANT_ACCOUNT = "5b0e6c7a-2f41-4a8e-9d3b-7c1f0a6e4d21"

_CLAUSES = (
    "The Licensor, Shri Ramesh Vasant Kulkarni, residing at 14 Prabhat Road, "
    "Erandwane, Pune 411004, grants the Licensee, Ms Anjali Deshmukh, leave "
    "and licence to occupy Flat 302, Sai Kripa Apartments, Kothrud, Pune 411038.",
    "The licence runs for eleven months from 1 April 2026 to 28 February 2027.",
    "The monthly licence fee is Rs 18,500, payable on or before the 5th of "
    "each month by bank transfer.",
    "The Licensee has paid an interest-free security deposit of Rs 55,000, "
    "refundable within 30 days of handing back the flat.",
    "Electricity and piped gas are billed to the Licensee; society "
    "maintenance stays with the Licensor.",
)


def rent_agreement() -> bytes:
    """A two-page leave and licence agreement, as a tenant would upload it."""
    styles = getSampleStyleSheet()
    story = [
        Paragraph("Leave and Licence Agreement", styles["Title"]),
        Paragraph("Executed at Pune on 20 March 2026", styles["Normal"]),
        Spacer(1, 12),
    ]
    for number, clause in enumerate(_CLAUSES, start=1):
        story += [Paragraph(f"{number}. {clause}", styles["BodyText"]), Spacer(1, 6)]
    story += [
        PageBreak(),
        Paragraph("Schedule of fittings", styles["Heading2"]),
        Paragraph(
            "Two ceiling fans, one geyser, modular kitchen with chimney, "
            "three tube lights.",
            styles["BodyText"],
        ),
        Spacer(1, 24),
        Paragraph("Licensor: Ramesh Vasant Kulkarni", styles["Normal"]),
        Paragraph("Licensee: Anjali Deshmukh", styles["Normal"]),
        Paragraph("Witness: Farhan Qureshi, Kothrud", styles["Normal"]),
    ]

    buffer = BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title="Leave and Licence").build(story)
    return buffer.getvalue()


def id_photo(path: Path, *, size: tuple[int, int] = (480, 360)) -> Path:
    """A JPEG shot sideways: its pixels are landscape, EXIF says turn it upright.

    The top of the portrait (a red band) lies along the pixels' left edge;
    orientation 6 tells a viewer to turn it 90° clockwise.
    """
    width, height = size
    picture = Image.new("RGB", size, (214, 226, 240))
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, 0, width // 8, height), fill=(200, 30, 30))
    draw.ellipse(
        (width // 3, height // 4, 2 * width // 3, 3 * height // 4), fill=(150, 100, 70)
    )
    exif = Image.Exif()
    exif[0x0112] = 6
    picture.save(path, format="JPEG", quality=92, exif=exif)
    return path


def scanned_png(path: Path, *, size: tuple[int, int] = (600, 800)) -> Path:
    """A portrait PNG of a marksheet scan whose top margin is transparent."""
    picture = Image.new("RGBA", size, (255, 255, 255, 255))
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, 0, size[0], size[1] // 10), fill=(0, 0, 0, 0))
    draw.text(
        (40, size[1] // 5), "Marks: Physics 88, Chemistry 91", fill=(0, 0, 0, 255)
    )
    picture.save(path, format="PNG")
    return path


def stamp_lines(pdf: bytes) -> list[str]:
    """The text drawn in each signature stamp on the last page, one per stamp."""
    page = PdfReader(BytesIO(pdf)).pages[-1]
    stamps = []
    for annotation in page.get("/Annots", []):
        widget = annotation.get_object()
        if widget.get("/FT") != "/Sig" or "/AP" not in widget:
            continue
        appearance = widget["/AP"]["/N"].get_object()
        content = ContentStream(appearance, None)
        shown = [
            str(operands[0])
            for operands, operator in content.operations
            if operator == b"Tj"
        ]
        stamps.append(" ".join(shown))
    return stamps


def stamp_boxes(pdf: bytes) -> list[RectangleObject]:
    """Where each signature stamp sits on the last page, in points."""
    page = PdfReader(BytesIO(pdf)).pages[-1]
    return [
        RectangleObject(annotation.get_object()["/Rect"])
        for annotation in page.get("/Annots", [])
        if annotation.get_object().get("/FT") == "/Sig"
    ]


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(BytesIO(pdf)).pages]
