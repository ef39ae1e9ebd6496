"""Objects in a bucket of any S3-compatible store, through aioboto3.

One client serves the store's whole lifetime: ``await store.open()`` (or ``async
with store``) in the app's lifespan, ``await store.close()`` at shutdown.

A put sends an object smaller than one part with a single ``PutObject``; a
larger one goes up as a multipart upload, one part at a time, so memory stays
at about one part however large the object. Any failure or cancellation aborts
the multipart upload, so S3 keeps neither an object nor orphaned parts. (An
abort that itself fails is logged; a bucket lifecycle rule that aborts
incomplete multipart uploads after a day is the backstop for a process that
dies mid-upload.)
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import AsyncGenerator, AsyncIterable
from contextlib import AsyncExitStack
from types import TracebackType
from typing import TYPE_CHECKING, Literal, Self, cast

import aioboto3
import anyio
from aiobotocore.config import AioConfig
from botocore.exceptions import ClientError

from services.objects.errors import ObjectMissing
from services.objects.store import StoredObject, validate_key

if TYPE_CHECKING:
    from types_aiobotocore_s3.client import S3Client
    from types_aiobotocore_s3.literals import BucketLocationConstraintType
    from types_aiobotocore_s3.type_defs import CompletedPartTypeDef

logger = logging.getLogger(__name__)

MIN_PART_SIZE = 5 * 1024 * 1024
# S3's smallest part: each upload in flight holds about one part in memory, and
# memory, not request count, is what concurrent uploads run short of.
DEFAULT_PART_SIZE = MIN_PART_SIZE
DEFAULT_READ_CHUNK_SIZE = 1024 * 1024

# HEAD answers carry no error body, only the status: "404" is all there is.
_NO_SUCH_KEY = frozenset({"404", "NoSuchKey", "NotFound"})
_NO_SUCH_BUCKET = frozenset({"404", "NoSuchBucket", "NotFound"})


class S3ObjectStore:
    """Objects in one bucket of an S3-compatible store.

    ``endpoint_url`` is the store's address (``None`` for AWS itself);
    ``region``, ``access_key_id`` and ``secret_access_key`` sign the requests.
    ``part_size`` (at least 5 MiB, S3's smallest part) is how much a put buffers
    before sending a part; ``read_chunk_size`` is the most a ``get`` yields at a
    time. ``addressing_style`` is ``path`` by default because most S3-compatible
    stores (MinIO, Ceph) serve buckets under the endpoint's own host name.
    """

    def __init__(
        self,
        *,
        bucket: str,
        region: str,
        access_key_id: str,
        secret_access_key: str,
        endpoint_url: str | None = None,
        part_size: int = DEFAULT_PART_SIZE,
        read_chunk_size: int = DEFAULT_READ_CHUNK_SIZE,
        addressing_style: Literal["path", "virtual", "auto"] = "path",
    ) -> None:
        if part_size < MIN_PART_SIZE:
            raise ValueError(
                f"part_size must be at least {MIN_PART_SIZE} bytes (S3 refuses "
                f"smaller parts), got {part_size}"
            )
        if read_chunk_size < 1:
            raise ValueError(f"read_chunk_size must be positive, got {read_chunk_size}")
        self.bucket = bucket
        self.region = region
        self.endpoint_url = endpoint_url
        self._session = aioboto3.Session(
            aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
            region_name=region,
        )
        self._config = AioConfig(s3={"addressing_style": addressing_style})
        self._part_size = part_size
        self._read_chunk_size = read_chunk_size
        self._exit_stack: AsyncExitStack | None = None
        self._s3: S3Client | None = None

    async def open(self) -> None:
        """Create the client; call once before any other method."""
        if self._exit_stack is not None:
            raise RuntimeError("S3ObjectStore.open() was called twice")
        exit_stack = AsyncExitStack()
        self._s3 = await exit_stack.enter_async_context(
            self._session.client(
                "s3", endpoint_url=self.endpoint_url, config=self._config
            )
        )
        self._exit_stack = exit_stack

    async def close(self) -> None:
        """Close the client and its connections; the store is unusable after."""
        exit_stack, self._exit_stack, self._s3 = self._exit_stack, None, None
        if exit_stack is not None:
            await exit_stack.aclose()

    async def __aenter__(self) -> Self:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def ensure_bucket(self) -> None:
        """Create the bucket unless it exists (for development and tests)."""
        try:
            await self._client.head_bucket(Bucket=self.bucket)
            return
        except ClientError as error:
            if _error_code(error) not in _NO_SUCH_BUCKET:
                raise

        try:
            if self.region == "us-east-1":
                # us-east-1 is S3's default and refuses to be named explicitly.
                await self._client.create_bucket(Bucket=self.bucket)
            else:
                location = cast("BucketLocationConstraintType", self.region)
                await self._client.create_bucket(
                    Bucket=self.bucket,
                    CreateBucketConfiguration={"LocationConstraint": location},
                )
        except ClientError as error:
            if _error_code(error) != "BucketAlreadyOwnedByYou":
                raise
        logger.info("object bucket %s is ready", self.bucket)

    async def put(self, key: str, chunks: AsyncIterable[bytes]) -> StoredObject:
        """Upload ``chunks`` under ``key``: one request, or a multipart upload."""
        validate_key(key)
        digest = hashlib.sha256()
        size = 0
        # A file object, not bytes: aiohttp then sends it in slices without a
        # copy, and botocore can rewind it to retry.
        part = io.BytesIO()
        upload: _MultipartUpload | None = None

        try:
            async for chunk in chunks:
                digest.update(chunk)
                size += len(chunk)
                part.write(chunk)
                if part.tell() >= self._part_size:
                    if upload is None:
                        upload = await _MultipartUpload.start(
                            self._client, self.bucket, key
                        )
                    await upload.send(part)
                    part = io.BytesIO()

            if upload is None:
                part.seek(0)
                await self._client.put_object(Bucket=self.bucket, Key=key, Body=part)
            else:
                if part.tell():
                    await upload.send(part)
                await upload.complete()
        except BaseException:
            if upload is not None:
                with anyio.CancelScope(shield=True):
                    await upload.abort()
            raise

        logger.debug("stored object %s (%d bytes)", key, size)
        return StoredObject(key=key, size=size, sha256=digest.hexdigest())

    async def get(self, key: str) -> AsyncGenerator[bytes, None]:
        """Stream the object under ``key`` as the response body arrives."""
        validate_key(key)
        try:
            response = await self._client.get_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if _error_code(error) in _NO_SUCH_KEY:
                raise ObjectMissing(f"no object is stored under {key!r}") from error
            raise

        # Read through the StreamingBody itself (entering it yields the bare
        # aiohttp response): it checks the Content-Length at the end, so a cut
        # connection raises instead of looking like a shorter object.
        body = response["Body"]
        async with body:
            while chunk := await body.read(self._read_chunk_size):
                yield chunk

    async def delete(self, key: str) -> None:
        """Delete the object under ``key``; a missing object is not an error."""
        validate_key(key)
        await self._client.delete_object(Bucket=self.bucket, Key=key)

    async def exists(self, key: str) -> bool:
        """Whether an object is stored under ``key``."""
        validate_key(key)
        try:
            await self._client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if _error_code(error) in _NO_SUCH_KEY:
                return False
            raise

        return True

    @property
    def _client(self) -> S3Client:
        if self._s3 is None:
            raise RuntimeError(
                "S3ObjectStore is not open: call `await store.open()` first, or "
                "use `async with store`"
            )
        return self._s3


class _MultipartUpload:
    """One multipart upload in progress: its parts so far, and how to end it."""

    def __init__(self, client: S3Client, bucket: str, key: str, upload_id: str) -> None:
        self._client = client
        self._bucket = bucket
        self._key = key
        self._upload_id = upload_id
        self._parts: list[CompletedPartTypeDef] = []

    @classmethod
    async def start(cls, client: S3Client, bucket: str, key: str) -> _MultipartUpload:
        response = await client.create_multipart_upload(Bucket=bucket, Key=key)
        return cls(client, bucket, key, response["UploadId"])

    async def send(self, part: io.BytesIO) -> None:
        """Upload ``part`` (all of it, from its start) as the next part."""
        number = len(self._parts) + 1
        part.seek(0)
        response = await self._client.upload_part(
            Bucket=self._bucket,
            Key=self._key,
            UploadId=self._upload_id,
            PartNumber=number,
            Body=part,
        )
        self._parts.append({"ETag": response["ETag"], "PartNumber": number})

    async def complete(self) -> None:
        await self._client.complete_multipart_upload(
            Bucket=self._bucket,
            Key=self._key,
            UploadId=self._upload_id,
            MultipartUpload={"Parts": self._parts},
        )

    async def abort(self) -> None:
        """Abort the upload; a failure to abort is logged, not raised."""
        try:
            await self._client.abort_multipart_upload(
                Bucket=self._bucket, Key=self._key, UploadId=self._upload_id
            )
        except Exception:
            # The put's own error is what the caller must see; this one is for
            # the operator (the bucket's lifecycle rule will clean up).
            logger.exception(
                "could not abort multipart upload %s of %s", self._upload_id, self._key
            )


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))
