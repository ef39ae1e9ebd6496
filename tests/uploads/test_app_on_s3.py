"""The whole app on the S3 backend, as an operator configures it by settings.

``LOCKER_STORAGE_BACKEND=s3`` with an endpoint and credentials: the lifespan
opens the client (and, outside production, makes the bucket), an upload goes
through ``PUT /uploads/<id>`` into moto's S3 on 127.0.0.1 encrypted, and its
download link streams it back.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aioboto3
import httpx
import pytest
from pydantic import SecretStr

from app import create_app
from config.settings import Settings
from demo import queries
from services.clock import FrozenClock
from services.container import build_services
from services.sms import MemorySmsSender
from tests.api.conftest import Api
from tests.conftest import empty_tables
from tests.objects.conftest import ACCESS_KEY_ID, REGION, SECRET_ACCESS_KEY
from tests.uploads import samples

BUCKET = "locker-app-uploads"


@pytest.fixture
def s3_settings(settings: Settings, moto_endpoint: str) -> Settings:
    return settings.model_copy(
        update={
            "storage_backend": "s3",
            "s3_endpoint_url": moto_endpoint,
            "s3_bucket": BUCKET,
            "s3_region": REGION,
            "s3_access_key_id": ACCESS_KEY_ID,
            "s3_secret_access_key": SecretStr(SECRET_ACCESS_KEY),
        }
    )


@pytest.fixture
async def s3_api(
    s3_settings: Settings,
    clock: FrozenClock,
    sms: MemorySmsSender,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Api]:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    services = build_services(s3_settings, clock=clock, sms=sms)
    app = create_app(s3_settings, services)
    async with app.router.lifespan_context(app):
        try:
            yield Api(app_transport=httpx.ASGITransport(app=app), sms=sms)
        finally:
            await empty_tables()


async def bucket_keys(endpoint: str) -> list[str]:
    session = aioboto3.Session(
        aws_access_key_id=ACCESS_KEY_ID,
        aws_secret_access_key=SECRET_ACCESS_KEY,
        region_name=REGION,
    )
    async with session.client("s3", endpoint_url=endpoint) as s3:
        listed = await s3.list_objects_v2(Bucket=BUCKET)
        return [item["Key"] for item in listed.get("Contents", [])]


async def test_an_upload_goes_to_s3_encrypted_and_comes_back(
    s3_api: Api, moto_endpoint: str, tmp_path: Path
) -> None:
    await s3_api.new_resident("9876512345", "kavya.menon")
    agreement = samples.write_rent_agreement(tmp_path / "rent.pdf").read_bytes()
    started = (
        await s3_api(
            queries.START_UPLOAD,
            input={"name": "Rent agreement.pdf", "size": len(agreement)},
        )
    )["startUpload"]

    async with httpx.AsyncClient(
        transport=s3_api.app_transport, base_url="http://testserver"
    ) as http:
        put = await http.put(
            started["uploadUrl"],
            content=agreement,
            headers={"Authorization": f"Bearer {s3_api.token}"},
        )
        assert put.status_code == 201, put.text
        document_id = put.json()["id"]
        found = (await s3_api(queries.MY_UPLOAD, id=document_id))["me"]["upload"]
        download = await http.get(found["downloadUrl"]["url"])

    assert download.status_code == 200
    assert download.content == agreement
    assert download.headers["content-type"] == "application/pdf"
    assert await bucket_keys(moto_endpoint) == [f"uploads/{document_id}"]
