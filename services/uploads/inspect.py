"""What a resident's uploaded file really is, and proof that it opens.

The upload path streams the body into a private temporary file (its size
already bounded) and calls ``inspect_file`` on it in a worker thread before
anything is stored. The type comes from the content's first bytes alone
(``sniff``); the name the browser sent is only checked against it
(``check_name``). Then the file must open in the library a reader would use:

- **PDF**, with pypdf in strict mode, which notices a truncated file (no
  ``%%EOF``) or a ``startxref`` pointing nowhere. pypdf, strict or not, looks
  for an object its cross-reference table misplaces by searching the whole
  file, once per object; the reader here refuses such a file instead. The
  price is that a PDF with wrong offsets, which viewers repair silently, is
  refused as damaged; printing it to PDF again fixes it. Every page is
  reached and its box, contents and resources resolved, so a broken page
  tree shows. Any encryption is refused, even with an empty user password
  (an "owner password" that only restricts printing): the locker cannot read
  or eSign it.
- **JPEG and PNG**, with Pillow: the dimensions are checked before any pixel is
  decoded, then a PNG's checksums are verified and the image decoded, so a
  truncated image shows. JPEGs decode at 1/8 scale, which still reads every
  block, so a 48-megapixel phone photo costs 6 MB instead of 144. The decoded
  pixels must also fit the memory budget of ``services.imaging`` (a small
  PNG can claim a picture of hundreds of MB under the pixel limit), and
  decoding waits for one of that module's few places.

Every failure is one of the ``LockerError``s in ``services.errors``. Nothing
pypdf or Pillow raises escapes: a hostile file can make either raise almost
anything (pypdf raises ``AttributeError`` on a long chain of references), so
their calls are wrapped broadly and the cause is kept on the error for
debugging.

The work a PDF can cause is bounded, since a 10 MB file can be built to cost
minutes in pypdf otherwise (see ``MAX_PDF_PAGES`` and the limits beside it).
"""

from __future__ import annotations

import enum
import logging
import pathlib
from dataclasses import dataclass
from typing import BinaryIO

from PIL import Image
from pypdf import Configuration, PageObject, PdfReader, apply_configuration
from pypdf.errors import LimitReachedError, PdfReadError
from pypdf.generic import IndirectObject, PdfObject, StreamObject

from services.errors import (
    EmptyFile,
    FileDamaged,
    FileEncrypted,
    FileTypeMismatch,
    ImageTooLarge,
    LockerError,
    UnsupportedFileType,
)
from services.imaging import decoding, within_budget
from services.uploads.names import file_extension

logger = logging.getLogger(__name__)

# pypdf logs what it repairs or skips, quoting the file's own objects; residents'
# documents stay out of the log. This module is the only reader of them.
logging.getLogger("pypdf").setLevel(logging.CRITICAL)

MAX_PDF_PAGES = 2_000
"""Most pages a PDF may have. A scanned page takes 50-500 KB, so a real upload
under 10 MB has a few hundred at most; 2,000 leaves room for text-only books.
pypdf walks the page tree under a bound of twice this many nodes, so a tree
that reuses nodes to claim a million pages is stopped early."""

MAX_PDF_OBJECT_STREAM_BYTES = 16 * 1024 * 1024
"""Most bytes a PDF's compressed object streams may decode to, together. They
hold the document's dictionaries (pages, fonts, tags): a few MB even in a
long tagged report. pypdf parses them in pure Python, so decoded bytes are its
work: a 1 MB file of 200 pages, each in an object stream inflating to 5 MB of
spaces, took it 77 seconds to open. Within this budget, the worst such file
measured takes about 3 seconds."""

MAX_PDF_XREF_ENTRIES = 500_000
"""Most entries a PDF's cross-reference streams may declare. A 10 MB file
cannot hold more objects than this in a classic table (20 bytes each); pypdf's
own default of 2 million let a 20 KB file cost 3 seconds and 250 MB."""

SNIFF_BYTES = 8
"""How many leading bytes ``sniff`` needs: the longest signature, PNG's."""

_PDF_SIGNATURE = b"%PDF-"
_JPEG_SIGNATURE = b"\xff\xd8\xff"
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

_PYPDF_LIMITS = Configuration(
    page_tree_maximum_entries=2 * MAX_PDF_PAGES,
    zlib_maximum_output_length=MAX_PDF_OBJECT_STREAM_BYTES,
    lzw_maximum_output_length=MAX_PDF_OBJECT_STREAM_BYTES,
    run_length_maximum_output_length=MAX_PDF_OBJECT_STREAM_BYTES,
    array_based_stream_maximum_output_length=MAX_PDF_OBJECT_STREAM_BYTES,
)


class FileKind(enum.Enum):
    """The file types residents may upload; the value is the content type."""

    PDF = "application/pdf"
    JPEG = "image/jpeg"
    PNG = "image/png"

    @property
    def content_type(self) -> str:
        return self.value

    @property
    def extension(self) -> str:
        """The extension to offer the file under."""
        return _EXTENSIONS[self]


_EXTENSIONS = {FileKind.PDF: ".pdf", FileKind.JPEG: ".jpg", FileKind.PNG: ".png"}
_KIND_BY_EXTENSION = {
    ".pdf": FileKind.PDF,
    ".jpg": FileKind.JPEG,
    ".jpeg": FileKind.JPEG,
    ".jpe": FileKind.JPEG,
    ".jfif": FileKind.JPEG,
    ".png": FileKind.PNG,
}
_PILLOW_FORMATS = {FileKind.JPEG: "JPEG", FileKind.PNG: "PNG"}


@dataclass(frozen=True)
class FileFacts:
    """What inspection proved about a file: its type, and pages or dimensions."""

    kind: FileKind
    content_type: str
    pages: int | None = None
    width: int | None = None
    height: int | None = None


def sniff(head: bytes) -> FileKind:
    """The type of a file from its first ``SNIFF_BYTES`` bytes, whatever its name.

    The signature must start at the first byte. ISO 32000 puts a PDF's header
    there; Acrobat tolerates up to 1 KB of junk before it, but a file that
    starts as something else (an HTML page, a ZIP) is what a polyglot looks
    like, so the locker does not. A UTF-8 byte order mark counts as junk.
    """
    if not head:
        raise EmptyFile("The file is empty; choose the file again.")
    if head.startswith(_PDF_SIGNATURE):
        return FileKind.PDF
    if head.startswith(_JPEG_SIGNATURE):
        return FileKind.JPEG
    if head.startswith(_PNG_SIGNATURE):
        return FileKind.PNG
    raise UnsupportedFileType(
        "Only PDF, JPEG and PNG files can be uploaded; save the document as "
        "one of those and upload it again."
    )


def check_name(name: str, kind: FileKind) -> None:
    """Refuse a name whose extension says another type than the content.

    ``.jpg``, ``.jpeg``, ``.jpe`` and ``.jfif`` fit a JPEG, in any case. A name
    without an extension (see ``names.file_extension``) fits anything. Any
    other extension, known or not (``.txt``, ``.docx``, ``.gif``), contradicts
    the content: a resident who downloads the file later would get it under a
    name their computer opens with the wrong program.
    """
    extension = file_extension(name)
    if not extension or _KIND_BY_EXTENSION.get(extension) is kind:
        return
    raise FileTypeMismatch(
        f"The file is a {kind.name} but its name ends in “{extension}”; "
        f"rename it to end in “{kind.extension}”, or choose the right file."
    )


def inspect_file(
    path: pathlib.Path, *, max_image_pixels: int = 50_000_000
) -> FileFacts:
    """Sniff the file at ``path`` and prove it opens; blocking, run in a thread.

    An image of more than ``max_image_pixels`` pixels is refused before it is
    decoded (``ImageTooLarge``). The limit is never above Pillow's own
    ``Image.MAX_IMAGE_PIXELS``, which is read but never changed: checks run in
    parallel threads, and Pillow only warns between that and twice it.
    """
    with path.open("rb") as file:
        kind = sniff(file.read(SNIFF_BYTES))

    if kind is FileKind.PDF:
        return FileFacts(kind, kind.content_type, pages=_count_pdf_pages(path))
    width, height = _check_image(path, kind, max_image_pixels)
    return FileFacts(kind, kind.content_type, width=width, height=height)


def _count_pdf_pages(path: pathlib.Path) -> int:
    try:
        # A file object, not the path: given a path, pypdf reads the whole file
        # into memory, and eight concurrent 10 MB checks would hold 80 MB.
        with path.open("rb") as file, apply_configuration(_PYPDF_LIMITS):
            reader = _PlacedObjectsReader(file)
            if reader.is_encrypted:
                raise FileEncrypted(
                    "The PDF is password-protected; remove the password (print "
                    "it to PDF again) and upload it again."
                )
            _decode_object_streams(reader)
            page_count = len(reader.pages)
            if page_count > MAX_PDF_PAGES:
                raise _too_complex()
            for page in reader.pages:
                _touch(page)
    except LockerError:
        raise
    except LimitReachedError as error:
        raise _too_complex() from error
    except Exception as error:
        logger.debug("A PDF did not open: %s", type(error).__name__)
        raise _damaged(FileKind.PDF) from error

    if page_count == 0:
        raise _damaged(FileKind.PDF)
    return page_count


class _PlacedObjectsReader(PdfReader):
    """pypdf's strict reader, refusing objects its cross-reference table misplaces.

    pypdf finds an object that the table misplaces or leaves out by searching
    the whole file for it, strict mode or not: one search per object, so a
    9 MB file whose table misplaced 100 pages took 4.7 seconds to open, and
    2,000 pages would take a minute and a half. A sound file's table places
    every object it uses, so this reader looks once at the offset the table
    gives and raises before pypdf searches. (pypdf still repairs a table whose
    lines do not parse, with one search for the whole file.)
    """

    def __init__(self, file: BinaryIO) -> None:
        self._placed: set[tuple[int, int]] = set()
        super().__init__(
            file, strict=True, xref_stream_maximum_entries=MAX_PDF_XREF_ENTRIES
        )

    def get_object(self, indirect_reference: int | IndirectObject) -> PdfObject | None:
        if isinstance(indirect_reference, int):
            key = (indirect_reference, 0)
        else:
            key = (indirect_reference.idnum, indirect_reference.generation)
        if key not in self._placed:
            self._check_placed(*key)
            self._placed.add(key)
        return super().get_object(indirect_reference)

    def _check_placed(self, number: int, generation: int) -> None:
        if generation == 0 and number in self.xref_objStm:
            return
        offset = self.xref.get(generation, {}).get(number)
        if offset is None:
            raise PdfReadError(f"Object {number} {generation} is not in the table.")
        position = self.stream.tell()
        try:
            self.stream.seek(offset)
            found = self.read_object_header(self.stream)
        finally:
            self.stream.seek(position)
        if found != (number, generation):
            raise PdfReadError(f"Object {number} {generation} is misplaced.")


def _decode_object_streams(reader: PdfReader) -> None:
    """Decode every object stream up front, within one budget for them all.

    pypdf bounds each stream alone, so a file of many small streams that each
    inflate to the limit is only stopped here. The decoded data stays cached
    on the stream objects, where pypdf reads it when it needs the objects.
    """
    budget = MAX_PDF_OBJECT_STREAM_BYTES
    for stream_number in sorted({number for number, _ in reader.xref_objStm.values()}):
        stream = reader.get_object(stream_number)
        if not isinstance(stream, StreamObject):
            raise _damaged(FileKind.PDF)
        budget -= len(stream.get_data())
        if budget < 0:
            raise _too_complex()


def _touch(page: PageObject) -> None:
    """Resolve what a viewer reads first: the page's box, contents and resources.

    Content streams are read but not decoded: their bytes are bounded by the
    file's size, their decoding is not.
    """
    _ = page.mediabox
    for key in ("/Contents", "/Resources"):
        if key in page:
            _ = page[key]


def _check_image(
    path: pathlib.Path, kind: FileKind, max_image_pixels: int
) -> tuple[int, int]:
    pixel_limit = max_image_pixels
    if Image.MAX_IMAGE_PIXELS is not None:
        pixel_limit = min(pixel_limit, Image.MAX_IMAGE_PIXELS)
    formats = [_PILLOW_FORMATS[kind]]

    try:
        with Image.open(path, formats=formats) as image:
            width, height = image.size
            if width * height > pixel_limit:
                raise _image_too_large(pixel_limit)
            image.verify()
        with Image.open(path, formats=formats) as image:
            # 1/8 scale, the smallest libjpeg offers; a no-op for PNG.
            image.draft(None, (1, 1))
            if not within_budget(image):
                raise _image_too_heavy()
            with decoding():
                image.load()
    except LockerError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _image_too_large(pixel_limit) from error
    except Exception as error:
        logger.debug("An image did not open: %s", type(error).__name__)
        raise _damaged(kind) from error
    return width, height


def _damaged(kind: FileKind) -> FileDamaged:
    return FileDamaged(
        f"The {kind.name} file is damaged or incomplete and does not open; "
        "upload it again, or save it again from the program that made it."
    )


def _too_complex() -> FileDamaged:
    return FileDamaged(
        "The PDF is larger or more complex than the locker can check; split it "
        f"into smaller files of at most {MAX_PDF_PAGES:,} pages and upload them "
        "one by one."
    )


def _image_too_large(pixel_limit: int) -> ImageTooLarge:
    return ImageTooLarge(
        f"The image is larger than {pixel_limit / 1_000_000:g} megapixels; "
        "reduce its size and upload it again."
    )


def _image_too_heavy() -> ImageTooLarge:
    return ImageTooLarge(
        "The image has more pixels than the locker can open at this colour "
        "depth; reduce its size (or save it in greyscale) and upload it again."
    )
