"""A bound on the memory that decoding one resident's image may take.

A PNG compresses a plain area almost to nothing: a 190 KB file can hold a
7,000 x 7,000 RGBA picture, under any sensible pixel limit, that Pillow
decodes into 196 MB, and the conversions a page needs make several copies of
it. Counting pixels alone cannot see this, so the upload check
(``services.uploads.inspect``) and the image-to-PDF step of eSign
(``services.esign.signing``) both:

- refuse an image whose decoded pixels, as Pillow stores them, would take
  more than ``MAX_DECODED_IMAGE_BYTES`` (after a JPEG's reduced-scale "draft",
  which is what is really decoded), before decoding it; and
- decode inside ``decoding()``, which lets at most ``MAX_CONCURRENT_DECODES``
  images be decoded at once in the process, so eight concurrent uploads of
  large scans cannot each take the budget at the same moment.

Both are fixed rather than settings: they protect the server, and no resident
document needs more. The budget takes a 300 dpi A3 colour scan (70 MB as
Pillow stores it) or a 600 dpi A4 greyscale one (35 MB).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from PIL import Image

MAX_DECODED_IMAGE_BYTES = 128 * 1024 * 1024
"""Most bytes one image's decoded pixels may take in memory."""

MAX_CONCURRENT_DECODES = 2
"""Most images the process decodes at the same time; the rest wait."""

_DECODES = threading.BoundedSemaphore(MAX_CONCURRENT_DECODES)
_ONE_BYTE_MODES = frozenset({"1", "L", "P"})


def decoded_bytes(image: Image.Image, *, mode: str | None = None) -> int:
    """The bytes ``image``'s pixels take once decoded, as Pillow stores them.

    Pillow keeps one byte a pixel for bilevel, greyscale and palette images,
    two for 16-bit greyscale, and four for everything else (RGB included,
    padded to four). It is read from the header, before any pixel is decoded.
    ``mode`` counts the image as converted to that mode instead.
    """
    width, height = image.size
    mode = mode or image.mode
    if mode in _ONE_BYTE_MODES:
        depth = 1
    elif mode.startswith("I;16"):
        depth = 2
    else:
        depth = 4
    return width * height * depth


def within_budget(image: Image.Image, *, mode: str | None = None) -> bool:
    """Whether ``image``'s pixels (in ``mode``) fit ``MAX_DECODED_IMAGE_BYTES``."""
    return decoded_bytes(image, mode=mode) <= MAX_DECODED_IMAGE_BYTES


@contextmanager
def decoding() -> Iterator[None]:
    """Hold one of the process's ``MAX_CONCURRENT_DECODES`` decoding places.

    Blocking: called from the worker threads that inspect and convert files.
    """
    with _DECODES:
        yield
