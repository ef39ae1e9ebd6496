"""Documents: the signed certificate XML and the signed PDF rendition.

``DocumentRenderer`` (``render.py``) is the one entry point the locker uses: it
builds a ``StandardDocument``'s certificate XML, validates it against the
project's schema, signs it with the issuer's key (``keys.py``,
``xml_signing.py``), renders the PDF (``pdf.py``) and signs that too
(``pdf_signing.py``). The verification halves let requesters check either file.
"""
