"""Documents an issuer sent with its ``PullURIResponse``, kept for a short while.

An issuer without ``PullDocRequest`` sends a document only when it is found.
The locker fetches a document right after finding it (to render it once before
recording it), so the adapter keeps what ``find`` received, by URI, for a few
minutes, in memory, at most ``capacity`` of them, until that one fetch. Nothing
here outlives the process: the locker's own copy serves such issuers'
documents afterwards (``DigiLockerIssuerConfig.stale_copy_seconds``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime, timedelta

from adapters.digilocker.certificate import DigiLockerDocument


class RecentDocuments:
    """A bounded, expiring map from URI to the document ``find`` received."""

    def __init__(
        self,
        *,
        capacity: int,
        lifetime: timedelta,
        now: Callable[[], datetime],
    ) -> None:
        self._capacity = capacity
        self._lifetime = lifetime
        self._now = now
        self._documents: OrderedDict[str, tuple[datetime, DigiLockerDocument]] = (
            OrderedDict()
        )
        # The adapter is shared; tools may call it from more than one thread.
        self._lock = threading.Lock()

    def keep(self, document: DigiLockerDocument) -> None:
        with self._lock:
            self._documents[document.uri] = (self._now(), document)
            self._documents.move_to_end(document.uri)
            while len(self._documents) > self._capacity:
                self._documents.popitem(last=False)

    def take(self, uri: str) -> DigiLockerDocument | None:
        """The document found under ``uri``, once: it is forgotten as it is taken.

        The locker keeps its own copy from then on; a second fetch of the same
        URI is the issuer's to answer, which it cannot without Pull Doc.
        """
        with self._lock:
            kept = self._documents.pop(uri, None)
            if kept is None:
                return None
            received_at, document = kept
            if self._now() - received_at > self._lifetime:
                return None
            return document
