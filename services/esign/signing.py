"""Self-attestation: a resident's PAdES signature on one of their own files.

``esign_pdf`` signs a PDF in the resident's name with a one-use certificate
from the locker CA (``ca.py``): PAdES baseline B-B (``ETSI.CAdES.detached``,
SHA-256), the CA certificate embedded beside the resident's, reason
"Self-attested", appended as an incremental update so the original bytes stay
as they were and any earlier signature stays valid. The signature is visible:
a small box in the bottom-right corner of the last page reads "Self-attested
by <name> on <date>", stacked above earlier self-attestations rather than on
top of them. The box is the signature field's widget, as in every PDF signing
tool, so it is not part of the page's own text.

``image_to_pdf`` makes a JPEG or PNG into a one-page A4 PDF first.

Both block (Pillow, reportlab, pyHanko; pyHanko also runs its own event
loop): async callers run them in a worker thread.
"""

from __future__ import annotations

import itertools
import math
import textwrap
import unicodedata
from datetime import datetime, timedelta, timezone
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from PIL import Image, ImageOps, UnidentifiedImageError
from pyhanko.pdf_utils.generic import DictionaryObject
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.rw_common import find_inherited_value_in_tree
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.signers.pdf_signer import PdfSigningSession
from pyhanko.sign.validation import read_certification_data
from pyhanko.stamp import BaseStampStyle, TextStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from services.errors import (
    FileDamaged,
    FileEncrypted,
    ImageTooLarge,
    NotSignable,
    UnsupportedFileType,
)
from services.esign.ca import LockerCA
from services.imaging import decoding, within_budget

SIGNATURE_FIELD_PREFIX = "SelfAttestation"
SIGNING_REASON = "Self-attested"
# The resident reads the stamp's date as the date in India, where the locker's
# residents live; India keeps one offset all year.
STAMP_TIMEZONE = timezone(timedelta(hours=5, minutes=30), "IST")
# Larger than any phone camera's default photo; bigger images only waste memory.
MAX_IMAGE_PIXELS = 60_000_000

# The stamp, in PDF points: small enough to sit in a margin.
_STAMP_WIDTH = 190
_STAMP_HEIGHT = 54
_STAMP_MARGIN = 24
_STAMP_GAP = 6
_STAMP_NAME_LINE = 28
_STAMP_STYLE = TextStampStyle(
    stamp_text="Self-attested by\n%(holder)s\non %(date)s", border_width=1
)
_STAMP_STYLE_NAMELESS = TextStampStyle(
    stamp_text=(
        "Self-attested on %(date)s\nby the signer named\nin the digital signature"
    ),
    border_width=1,
)
# The stamp's standard font (Courier, WinAnsi) draws printable Latin-1 only;
# pyHanko writes anything else as UTF-16, which it would show as gibberish.
_STAMP_CHARACTERS = frozenset(
    [chr(code) for code in range(0x20, 0x7F)]
    + [chr(code) for code in range(0xA1, 0x100) if code != 0xAD]
)
_PLAIN_PUNCTUATION = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'}
    | dict.fromkeys("\u2010\u2011\u2012\u2013\u2014", "-")
)
# Spelled out: strftime's %b follows the process locale.
_MONTHS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)

# An image page: half-inch margins, enough pixels for 300 dpi print.
_PAGE_MARGIN = 36
_PRINT_DPI = 300
_JPEG_QUALITY = 90


def image_to_pdf(image: Path, output: BinaryIO) -> None:
    """Write ``image`` (JPEG or PNG) to ``output`` as a one-page A4 PDF.

    The picture is turned upright as its EXIF orientation says, keeps its
    aspect ratio, fills the page inside half-inch margins (a landscape picture
    gets a landscape page), and is scaled down to 300 dpi at that size;
    transparency becomes white. Raises ``UnsupportedFileType``,
    ``ImageTooLarge`` or ``FileDamaged`` for a file that is not a usable image.
    """
    with image.open("rb") as file:
        picture, was_jpeg = _upright_picture(file)
    page_size = _page_for(picture.size)
    fit_width, fit_height = _fit(
        (picture.width, picture.height),
        (page_size[0] - 2 * _PAGE_MARGIN, page_size[1] - 2 * _PAGE_MARGIN),
    )

    canvas = Canvas(output, pagesize=page_size)
    canvas.drawImage(
        _image_reader(picture, as_jpeg=was_jpeg),
        (page_size[0] - fit_width) / 2,
        (page_size[1] - fit_height) / 2,
        width=fit_width,
        height=fit_height,
    )
    canvas.showPage()
    canvas.save()


def esign_pdf(
    source: Path,
    output: BinaryIO,
    *,
    ca: LockerCA,
    holder_name: str,
    account_id: str,
    signed_at: datetime,
) -> None:
    """Write ``source``, self-attested by the resident, to ``output``.

    ``holder_name`` is the resident's Aadhaar-verified name, ``account_id``
    their account, and ``signed_at`` (timezone-aware) becomes the signing time
    in the signature and the date on the stamp. Raises ``FileDamaged`` for a
    PDF that cannot be read, ``FileEncrypted`` for a password-protected one,
    and ``NotSignable`` for one that forbids any change (a document certified
    by its author with "no changes", such as an issuer's PDF) or uses a
    cross-reference layout that cannot be signed safely.
    """
    if signed_at.tzinfo is None:
        raise ValueError("'signed_at' must be timezone-aware.")

    with source.open("rb") as pdf:
        writer = _open_for_signing(pdf)
        field_spec = _stamp_field(writer)
        # The key lives only as long as this call: it signs once, then is gone.
        private_key, certificate = ca.issue(
            holder_name=holder_name, account_id=account_id, now=signed_at
        )
        signer = _signer(private_key, certificate, ca.certificate)
        stamp_name = _stamp_name(holder_name)
        pdf_signer = _PdfSignerAt(
            signers.PdfSignatureMetadata(
                field_name=field_spec.sig_field_name,
                md_algorithm="sha256",
                subfilter=fields.SigSeedSubFilter.PADES,
                reason=SIGNING_REASON,
            ),
            signer,
            signed_at=signed_at,
            stamp_style=_STAMP_STYLE if stamp_name else _STAMP_STYLE_NAMELESS,
            new_field_spec=field_spec,
        )
        signed = pdf_signer.sign_pdf(
            writer,
            appearance_text_params={
                "holder": stamp_name,
                "date": stamp_date(signed_at),
            },
        )

    output.write(signed.getbuffer())


def stamp_date(moment: datetime) -> str:
    """The stamp's date for ``moment``, as in "3 Dec 2026" (Indian date)."""
    local = moment.astimezone(STAMP_TIMEZONE)
    return f"{local.day} {_MONTHS[local.month - 1]} {local.year}"


class _PdfSignerAt(signers.PdfSigner):
    """A ``PdfSigner`` that states a given signing time, not the system's.

    pyHanko reads the clock when a signing session starts and offers no
    parameter for it (its issue #569), so the session's ``system_time`` is
    set here, before anything uses it: the signature dictionary's ``/M``, the
    CMS signing-time attribute and the stamp all take it from there.
    """

    def __init__(
        self,
        signature_meta: signers.PdfSignatureMetadata,
        signer: signers.Signer,
        *,
        signed_at: datetime,
        stamp_style: BaseStampStyle,
        new_field_spec: fields.SigFieldSpec,
    ) -> None:
        super().__init__(
            signature_meta,
            signer,
            stamp_style=stamp_style,
            new_field_spec=new_field_spec,
        )
        self._signed_at = signed_at

    def init_signing_session(
        self, pdf_out: BasePdfFileWriter, existing_fields_only: bool = False
    ) -> PdfSigningSession:
        session = super().init_signing_session(pdf_out, existing_fields_only)
        session.system_time = self._signed_at
        return session


def _signer(
    private_key: ec.EllipticCurvePrivateKey,
    certificate: x509.Certificate,
    ca_certificate: x509.Certificate,
) -> signers.SimpleSigner:
    signing_key = asn1_keys.PrivateKeyInfo.load(
        private_key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    # pyhanko-certvalidator leaves this constructor unannotated.
    registry = SimpleCertificateStore()  # type: ignore[no-untyped-call]
    registry.register(_asn1_certificate(ca_certificate))

    return signers.SimpleSigner(
        signing_cert=_asn1_certificate(certificate),
        signing_key=signing_key,
        cert_registry=registry,
    )


def _asn1_certificate(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(
        certificate.public_bytes(serialization.Encoding.DER)
    )


def _open_for_signing(pdf: BinaryIO) -> IncrementalPdfFileWriter:
    try:
        # Not strict: Pillow, among others, writes a free-list head entry
        # (``0000000000 65536 f``) that strict parsing refuses. Encrypted and
        # hybrid-reference files are still refused below.
        writer = IncrementalPdfFileWriter(pdf, strict=False)
    except PdfError as error:
        raise FileDamaged("This PDF is damaged and cannot be read.") from error
    reader = writer.prev

    if reader.encrypted:
        raise FileEncrypted(
            "This PDF is password-protected; remove the password and upload it again."
        )
    if reader.xrefs.hybrid_xrefs_present:
        raise NotSignable(
            "This PDF's internal layout cannot be signed safely; "
            "save or print it as a new PDF and upload that."
        )
    certification = read_certification_data(reader)
    if (
        certification is not None
        and certification.permission == fields.MDPPerm.NO_CHANGES
    ):
        raise NotSignable(
            "This PDF is certified by its author against any change, "
            "so it cannot be eSigned."
        )

    return writer


def _stamp_field(writer: IncrementalPdfFileWriter) -> fields.SigFieldSpec:
    """A new signature field in the last page's bottom-right corner.

    Each earlier self-attestation moves the box one row up, so stamps never
    cover each other.
    """
    try:
        names = {name for name, _, _ in fields.enumerate_sig_fields(writer.prev)}
        # pyHanko leaves its page-tree helpers unannotated.
        page_ref = writer.find_page_for_modification(-1)[0]  # type: ignore[no-untyped-call]
        left, bottom, right, top = _page_box(page_ref.get_object())
    except PdfError as error:
        raise FileDamaged("This PDF's pages cannot be read.") from error
    earlier = sum(1 for name in names if name.startswith(SIGNATURE_FIELD_PREFIX))
    field_name = next(
        name
        for number in itertools.count(earlier + 1)
        if (name := f"{SIGNATURE_FIELD_PREFIX}{number}") not in names
    )

    width = min(_STAMP_WIDTH, (right - left) / 2)
    height = min(_STAMP_HEIGHT, (top - bottom) / 4)
    rows = max(1, int((top - bottom - _STAMP_MARGIN) // (height + _STAMP_GAP)))
    x = right - _STAMP_MARGIN - width
    y = bottom + _STAMP_MARGIN + (earlier % rows) * (height + _STAMP_GAP)

    return fields.SigFieldSpec(
        sig_field_name=field_name,
        on_page=-1,
        box=(round(x), round(y), round(x + width), round(y + height)),
    )


def _page_box(page: DictionaryObject) -> tuple[float, float, float, float]:
    """The visible area of ``page`` as (left, bottom, right, top), in points."""
    for key in ("/CropBox", "/MediaBox"):
        box = find_inherited_value_in_tree(page, key, "/Parent")  # type: ignore[no-untyped-call]
        if box is not None:
            break
    try:
        x1, y1, x2, y2 = (float(corner) for corner in box)
    except (TypeError, ValueError) as error:
        raise PdfError("The page has no valid size.") from error

    return min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)


def _stamp_name(holder_name: str) -> str | None:
    """The holder's name as the stamp can draw it, wrapped; None if it cannot.

    Typographic quotes and dashes become plain ones and, when that is not
    enough, accents are dropped (Śarmā is stamped Sarma); a name in a script
    the stamp font lacks is left to the certificate, which carries it whole.
    """
    name = " ".join(holder_name.split()).translate(_PLAIN_PUNCTUATION)
    if not _STAMP_CHARACTERS.issuperset(name):
        decomposed = unicodedata.normalize("NFKD", name)
        name = "".join(char for char in decomposed if not unicodedata.combining(char))
    if not name or not _STAMP_CHARACTERS.issuperset(name):
        return None

    return "\n".join(textwrap.wrap(name, _STAMP_NAME_LINE))


def _upright_picture(file: BinaryIO) -> tuple[Image.Image, bool]:
    """The picture, no larger than 300 dpi on its page, upright and flattened.

    Also says whether it was a JPEG. A JPEG is decoded at the smallest scale
    libjpeg offers that still gives 300 dpi, then any image is scaled down to
    that before it is turned and flattened, so the copies those steps make
    are page-sized. The decoded picture must fit ``services.imaging``'s
    budget, and decoding waits for one of its places.
    """
    too_large = ImageTooLarge(
        "This image has too many pixels to eSign; resize it and upload it again."
    )
    try:
        with Image.open(file, formats=["JPEG", "PNG"]) as picture:
            if picture.width * picture.height > MAX_IMAGE_PIXELS:
                raise too_large
            # EXIF may turn the picture a quarter; the page turns with it, so
            # the size it needs is the same either way.
            needed = _print_size(picture.size)
            picture.draft(None, needed)
            # Pillow scales bilevel and palette images by nearest neighbour,
            # which makes a scan's text ragged: they are converted first.
            mode = _scalable_mode(picture)
            if not within_budget(picture, mode=mode):
                raise too_large
            was_jpeg = picture.format == "JPEG"
            with decoding():
                picture.load()
                scalable = picture.convert(mode) if mode != picture.mode else picture
                # Pixels beyond 300 dpi at the printed size only make the PDF
                # heavier.
                scalable.thumbnail(needed, Image.Resampling.LANCZOS)
            upright = ImageOps.exif_transpose(scalable)
    except UnidentifiedImageError as error:
        raise UnsupportedFileType(
            "Only PDF, JPEG and PNG files can be eSigned."
        ) from error
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        # Pillow's own guard, met before ours only by absurd sizes.
        raise too_large from error
    except (OSError, SyntaxError) as error:
        # Pillow reports truncated or corrupt image data with these.
        raise FileDamaged(
            "This image is damaged and cannot be read; upload it again."
        ) from error

    return _flattened(upright), was_jpeg


def _scalable_mode(picture: Image.Image) -> str:
    if picture.mode == "1":
        return "L"
    if picture.mode == "P":
        return "RGBA" if "transparency" in picture.info else "RGB"
    return picture.mode


def _page_for(size: tuple[int, int]) -> tuple[float, float]:
    """A4, turned to landscape for a picture wider than it is tall."""
    width, height = size
    page: tuple[float, float] = A4 if height >= width else landscape(A4)
    return page


def _print_size(size: tuple[int, int]) -> tuple[int, int]:
    """The pixels a picture of ``size`` needs to print at 300 dpi on its page."""
    page_size = _page_for(size)
    fit_width, fit_height = _fit(
        size, (page_size[0] - 2 * _PAGE_MARGIN, page_size[1] - 2 * _PAGE_MARGIN)
    )
    return (
        math.ceil(fit_width / 72 * _PRINT_DPI),
        math.ceil(fit_height / 72 * _PRINT_DPI),
    )


def _fit(size: tuple[int, int], bounds: tuple[float, float]) -> tuple[float, float]:
    scale = min(bounds[0] / size[0], bounds[1] / size[1])
    return size[0] * scale, size[1] * scale


def _flattened(picture: Image.Image) -> Image.Image:
    """The picture in RGB or greyscale, transparent parts made white."""
    if picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info:
        rgba = picture.convert("RGBA")
        white = Image.new("RGBA", rgba.size, "white")
        return Image.alpha_composite(white, rgba).convert("RGB")
    if picture.mode in ("RGB", "L"):
        return picture
    return picture.convert("L" if picture.mode == "1" else "RGB")


def _image_reader(picture: Image.Image, *, as_jpeg: bool) -> ImageReader:
    # A photo stays a JPEG (reportlab embeds it as is); a PNG, often a scan
    # or screenshot of text, stays lossless.
    if not as_jpeg:
        return ImageReader(picture)
    encoded = BytesIO()
    picture.save(encoded, format="JPEG", quality=_JPEG_QUALITY)
    encoded.seek(0)

    return ImageReader(encoded)
