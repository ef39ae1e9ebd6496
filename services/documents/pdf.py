"""The PDF rendition of a document: what a person reads, prints and hands over.

One A4 document per ``StandardDocument``, in reportlab's built-in Helvetica
(so nothing is embedded or fetched; characters outside Latin-1 are the known
limit of those fonts):

- the issuer's name and address as a letterhead, then the document's title;
- a red banner with EXPIRED, REVOKED or SUSPENDED when the document is not
  active, so nobody mistakes it for a valid one;
- the document's number, status and dates; the holder (name, date of birth,
  gender, parents, address, photograph where the issuer keeps one);
- the adapter's ``display`` sections as label/value rows or grids, or, when an
  adapter gave none, the ``CertificateData`` tree laid out generically;
- the URI, when it was fetched from the issuer, and, when a verification
  link is given, its QR code with the link printed small beside it;
- on every page, a footer saying the document is issued electronically and
  carries a digital signature (``pdf_signing`` adds that signature).

The document information's Subject is the URI: ``services.verification``
reads it back to know whose certificate must have signed a PDF handed to it
(the signature covers the whole file, that entry included).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.platypus import (
    Image,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from adapters.sdk import DocumentStatus, Gender, Person, Photo, StandardDocument
from services.documents.pdf_layout import (
    CONTENT_WIDTH,
    MARGIN,
    Flowable,
    data_tree_flowables,
    display_flowables,
    rows_table,
    section_heading,
)

_INDIA = timezone(timedelta(hours=5, minutes=30), "IST")
_PHOTO_FORMATS = frozenset({"JPG", "JPEG", "PNG"})
_MAX_PHOTO_BYTES = 2_000_000
_GENDERS = {
    Gender.MALE: "Male",
    Gender.FEMALE: "Female",
    Gender.TRANSGENDER: "Transgender",
}
_STATUS_BANNERS = {
    DocumentStatus.EXPIRED: "The validity of this document has ended.",
    DocumentStatus.REVOKED: "The issuer has revoked this document; it is no "
    "longer valid.",
    DocumentStatus.SUSPENDED: "The issuer has suspended this document; it is "
    "not valid while suspended.",
}

_ISSUER = ParagraphStyle("Issuer", fontName="Helvetica-Bold", fontSize=15, leading=19)
_ISSUER_ADDRESS = ParagraphStyle(
    "IssuerAddress", fontName="Helvetica", fontSize=9, leading=12, textColor=colors.grey
)
_TITLE = ParagraphStyle(
    "Title",
    fontName="Helvetica-Bold",
    fontSize=17,
    leading=22,
    alignment=TA_CENTER,
    spaceBefore=10,
    spaceAfter=8,
)
_BANNER_WORD = ParagraphStyle(
    "BannerWord",
    fontName="Helvetica-Bold",
    fontSize=22,
    leading=26,
    alignment=TA_CENTER,
    textColor=colors.white,
)
_BANNER_TEXT = ParagraphStyle(
    "BannerText",
    fontName="Helvetica",
    fontSize=10,
    leading=13,
    alignment=TA_CENTER,
    textColor=colors.white,
)
_VERIFY_LABEL = ParagraphStyle(
    "VerifyLabel", fontName="Helvetica", fontSize=9, leading=11.5, textColor=colors.grey
)
_VERIFY_URL = ParagraphStyle(
    "VerifyUrl", fontName="Helvetica", fontSize=7.5, leading=10
)
_VERIFY_HELP_STYLE = ParagraphStyle(
    "VerifyHelp",
    fontName="Helvetica",
    fontSize=7.5,
    leading=9.5,
    textColor=colors.grey,
    spaceBefore=2,
)
_VERIFY_HELP = (
    "Scan the code, or open the address, to see the document's current status "
    "with its issuer. To check that a copy is genuine, send the signed PDF or "
    "XML file itself to the same service."
)
_QR_SIZE = 26 * mm
_BANNER_COLOUR = colors.HexColor("#b3261e")
_RULE_COLOUR = colors.HexColor("#1f3b73")


def render_pdf(
    doc: StandardDocument, *, uri: str, verification_url: str | None = None
) -> bytes:
    """Render ``doc`` as an unsigned A4 PDF; ``uri`` is printed as its reference."""
    buffer = BytesIO()
    template = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 12 * mm,
        title=doc.name,
        author=doc.issued_by.name,
        # Read back by the verifier; see the module docstring.
        subject=uri,
        creator="openlocker",
    )

    story: list[Flowable] = []
    story += _letterhead(doc)
    story += _status_banner(doc.status)
    story += _document_details(doc)
    story += _holder(doc.issued_to)
    if doc.display:
        story += display_flowables(doc.display)
    else:
        story += data_tree_flowables(doc.data)
    story += _reference(doc, uri, verification_url)

    def footer(canvas: Any, document: Any) -> None:
        _draw_footer(canvas, document, issuer=doc.issued_by.name, uri=uri)

    template.build(story, onFirstPage=footer, onLaterPages=footer)

    return buffer.getvalue()


def _letterhead(doc: StandardDocument) -> list[Flowable]:
    issuer = doc.issued_by
    flowables: list[Flowable] = [Paragraph(escape(issuer.name), _ISSUER)]
    if issuer.address is not None and issuer.address.one_line():
        flowables.append(Paragraph(escape(issuer.address.one_line()), _ISSUER_ADDRESS))

    rule = Table([[""]], colWidths=[CONTENT_WIDTH], rowHeights=[3])
    rule.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 1.5, _RULE_COLOUR)]))
    flowables += [rule, Paragraph(escape(doc.name), _TITLE)]

    return flowables


def _status_banner(status: DocumentStatus) -> list[Flowable]:
    explanation = _STATUS_BANNERS.get(status)
    if explanation is None:
        return []

    banner = Table(
        [
            [Paragraph(escape(status.name), _BANNER_WORD)],
            [Paragraph(escape(explanation), _BANNER_TEXT)],
        ],
        colWidths=[CONTENT_WIDTH],
    )
    banner.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), _BANNER_COLOUR),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )

    return [banner, Spacer(1, 4 * mm)]


def _document_details(doc: StandardDocument) -> list[Flowable]:
    rows = [
        ("Document number", doc.number),
        ("Status", doc.status.name.capitalize()),
        ("Date of issue", _human_date(doc.issue_date)),
        ("Valid from", _human_date(doc.valid_from)),
        ("Valid until", _human_date(doc.expiry_date)),
        ("Issued at", doc.issued_at),
    ]
    return [section_heading("Document"), rows_table(_known(rows))]


def _holder(person: Person) -> list[Flowable]:
    name = f"{person.title} {person.name}".strip()
    rows = [
        ("Name", name),
        ("Date of birth", _human_date(person.dob)),
        ("Gender", _GENDERS[person.gender] if person.gender else ""),
        ("Father's name", person.father_name),
        ("Mother's name", person.mother_name),
        ("Category", person.category),
        ("Address", person.address.one_line() if person.address else ""),
    ]
    photo = _photo(person.photo)
    if photo is None:
        return [section_heading("Issued to"), rows_table(_known(rows))]

    photo_width = 32 * mm
    details = rows_table(_known(rows), width=CONTENT_WIDTH - photo_width - 4 * mm)
    layout = Table(
        [[details, photo]], colWidths=[CONTENT_WIDTH - photo_width, photo_width]
    )
    layout.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return [section_heading("Issued to"), layout]


def _photo(photo: Photo | None) -> Flowable | None:
    if photo is None or photo.format.upper() not in _PHOTO_FORMATS:
        return None
    if not photo.content or len(photo.content) > _MAX_PHOTO_BYTES:
        return None

    try:
        width, height = ImageReader(BytesIO(photo.content)).getSize()
    except Exception:
        # A photograph the imaging library cannot read is left out rather than
        # failing the whole document: the holder's details still identify them.
        return None
    if width <= 0 or height <= 0:
        return None

    scale = min(30 * mm / width, 38 * mm / height)

    return Image(BytesIO(photo.content), width=width * scale, height=height * scale)


def _reference(
    doc: StandardDocument, uri: str, verification_url: str | None
) -> list[Flowable]:
    rows = [("Document URI", uri)]
    if doc.fetched_at is not None:
        rows.append(("Fetched from the issuer", _human_time(doc.fetched_at)))

    flowables = [section_heading("Reference"), rows_table(rows)]
    if verification_url:
        flowables += _verification(verification_url)

    return flowables


def _verification(url: str) -> list[Flowable]:
    """The QR code of ``url`` with the address printed small beside it.

    The address stays on one line for the usual base URL and URI, so that a
    reader can type it and a text search finds it whole.
    """
    widget = QrCodeWidget(url, barLevel="M")
    left, bottom, right, top = widget.getBounds()
    scale = [_QR_SIZE / (right - left), 0, 0, _QR_SIZE / (top - bottom), 0, 0]
    code = Drawing(_QR_SIZE, _QR_SIZE, transform=scale)
    code.add(widget)

    text = [
        Paragraph("Verify at", _VERIFY_LABEL),
        Paragraph(escape(url), _VERIFY_URL),
        Paragraph(escape(_VERIFY_HELP), _VERIFY_HELP_STYLE),
    ]
    layout = Table(
        [[code, text]], colWidths=[_QR_SIZE + 4 * mm, CONTENT_WIDTH - _QR_SIZE - 4 * mm]
    )
    layout.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )

    return [Spacer(1, 3 * mm), layout]


def _draw_footer(canvas: Any, document: Any, *, issuer: str, uri: str) -> None:
    notice = (
        f"Issued electronically by {issuer}. This document carries the issuer's "
        "digital signature and needs no physical signature or seal."
    )
    lines = simpleSplit(notice, "Helvetica", 7.5, CONTENT_WIDTH)
    lines.append(f"{uri}    Page {document.page}")

    canvas.saveState()
    canvas.setStrokeColor(_RULE_COLOUR)
    canvas.setLineWidth(0.5)
    top = MARGIN + 10 * mm
    canvas.line(MARGIN, top, MARGIN + CONTENT_WIDTH, top)
    canvas.setFont("Helvetica", 7.5)
    canvas.setFillColor(colors.grey)
    for index, line in enumerate(lines):
        canvas.drawString(MARGIN, top - 10 - index * 9.5, line)
    canvas.restoreState()


def _known(rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(label, value) for label, value in rows if value]


def _human_date(value: date | None) -> str:
    return value.strftime("%d %B %Y") if value is not None else ""


def _human_time(value: datetime) -> str:
    # Naive times are taken as UTC, the locker's own convention.
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(_INDIA).strftime("%d %B %Y, %H:%M IST")
