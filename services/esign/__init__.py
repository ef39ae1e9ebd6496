"""eSign: a resident self-attests one of their own files.

The engine is pure and synchronous (no database, no HTTP): callers run it in
a worker thread after the resident has confirmed an OTP.

- ``ca.py``: ``LockerCA``, the locker's own certificate authority, which
  issues a one-use certificate in the resident's verified name per signature.
- ``signing.py``: ``image_to_pdf`` (a JPEG or PNG becomes an A4 PDF) and
  ``esign_pdf`` (a visible PAdES signature, "Self-attested by <name> on
  <date>", appended to the PDF).
- ``verify.py``: ``verify_pdf``, which checks the last signature with the CA
  as the only trust root and answers a ``SignatureVerdict``.
"""

from services.esign.ca import LockerCA
from services.esign.signing import esign_pdf, image_to_pdf
from services.esign.verify import SignatureVerdict, verify_pdf

__all__ = ["LockerCA", "SignatureVerdict", "esign_pdf", "image_to_pdf", "verify_pdf"]
