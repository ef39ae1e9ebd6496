"""Master key rotation: re-wrapping every stored file's data key.

Rotation without rewriting objects: set the new key as ``LOCKER_MASTER_KEY``
and the old one in ``LOCKER_PREVIOUS_MASTER_KEYS`` (files stay readable),
run ``python -m cli rewrap-keys``, then drop the old key.
"""

from __future__ import annotations

from tortoise.transactions import in_transaction

from models import UploadedDocument
from services.objects import EncryptedObjects, MasterKey

_BATCH = 500


async def rewrap_all(master: MasterKey) -> str:
    """Re-wrap each data key under ``master``'s primary key; a summary line.

    Each file's new wrapped key replaces the old one only if the row still
    holds the key that was read, so a file deleted or changed meanwhile is
    left alone. Raises ``WrappedKeyRejected`` for a data key no key of
    ``master`` opens (a missing previous key), having re-wrapped the others
    before it.
    """
    rewrapped = 0
    last_id = None
    while True:
        query = UploadedDocument.filter(wrapped_key__isnull=False)
        if last_id is not None:
            query = query.filter(id__gt=last_id)
        rows = await query.order_by("id").limit(_BATCH).values_list("id", "wrapped_key")
        if not rows:
            break
        async with in_transaction() as connection:
            for document_id, wrapped_key in rows:
                old = bytes(wrapped_key)
                new = EncryptedObjects.rewrap(old, master, master)
                rewrapped += (
                    await UploadedDocument.filter(id=document_id, wrapped_key=old)
                    .using_db(connection)
                    .update(wrapped_key=new)
                )
        last_id = rows[-1][0]

    return f"re-wrapped the data keys of {rewrapped} files under the current key"
