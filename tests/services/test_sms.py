"""The SMS senders and the choice between them."""

from __future__ import annotations

import json
import logging

import httpx
import pytest

from config.settings import Settings
from services.errors import SmsDeliveryFailed
from services.sms import (
    HttpSmsSender,
    LogSmsSender,
    MemorySmsSender,
    SmsMessage,
    sms_sender_from_settings,
)


async def test_memory_sender_answers_the_latest_message_and_its_code() -> None:
    sms = MemorySmsSender()

    await sms.send("9810012345", "111111 is your code")
    await sms.send("9840023456", "222222 is your code")
    await sms.send("9810012345", "Your code is 333333. Do not share it.")

    assert sms.messages[0] == SmsMessage("9810012345", "111111 is your code")
    assert sms.last_to("9810012345") == "Your code is 333333. Do not share it."
    assert sms.last_otp("9810012345") == "333333"
    assert sms.last_otp("9840023456") == "222222"


async def test_memory_sender_says_when_nothing_or_no_code_was_sent() -> None:
    sms = MemorySmsSender()
    await sms.send("9810012345", "You already have an account.")

    with pytest.raises(LookupError, match="no SMS"):
        sms.last_to("9840023456")
    with pytest.raises(LookupError, match="no code"):
        sms.last_otp("9810012345")


async def test_log_sender_writes_the_message_to_the_log_for_development(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="services.sms")

    await LogSmsSender().send("9810012345", "482913 is your code")

    assert [record.levelno for record in caplog.records] == [logging.INFO]
    assert "482913 is your code" in caplog.records[0].getMessage()
    assert "9810012345" in caplog.records[0].getMessage()


async def test_http_sender_posts_json_with_the_bearer_token() -> None:
    requests: list[httpx.Request] = []

    def gateway(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(202, json={"status": "queued"})

    sender = HttpSmsSender(
        "https://sms.example.test/send",
        "gateway-token",
        transport=httpx.MockTransport(gateway),
    )

    await sender.send("9810012345", "482913 is your code")

    (request,) = requests
    assert request.method == "POST"
    assert str(request.url) == "https://sms.example.test/send"
    assert request.headers["authorization"] == "Bearer gateway-token"
    assert json.loads(request.content) == {
        "to": "+919810012345",
        "text": "482913 is your code",
    }


async def test_http_sender_reports_a_refusal_without_logging_the_text(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    sender = HttpSmsSender(
        "https://sms.example.test/send",
        None,
        transport=httpx.MockTransport(lambda request: httpx.Response(503)),
    )

    with pytest.raises(SmsDeliveryFailed, match="could not be sent") as raised:
        await sender.send("9810012345", "482913 is your code")

    assert raised.value.code == "SMS_DELIVERY_FAILED"
    assert "503" in caplog.text
    assert "482913" not in caplog.text


async def test_http_sender_reports_an_unreachable_gateway() -> None:
    def unreachable(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    sender = HttpSmsSender(
        "https://sms.example.test/send",
        "gateway-token",
        transport=httpx.MockTransport(unreachable),
    )

    with pytest.raises(SmsDeliveryFailed, match="try again"):
        await sender.send("9810012345", "482913 is your code")


def test_settings_choose_the_sender() -> None:
    log = Settings.model_validate({"sms_sender": "log"})
    memory = Settings.model_validate({"sms_sender": "memory"})
    http = Settings.model_validate(
        {
            "sms_sender": "http",
            "sms_gateway_url": "https://sms.example.test/send",
            "sms_gateway_token": "gateway-token",
        }
    )

    assert isinstance(sms_sender_from_settings(log), LogSmsSender)
    assert isinstance(sms_sender_from_settings(memory), MemorySmsSender)
    chosen = sms_sender_from_settings(http)
    assert isinstance(chosen, HttpSmsSender)
    assert chosen.url == "https://sms.example.test/send"


def test_http_sender_needs_a_gateway_url() -> None:
    settings = Settings.model_validate({"sms_sender": "http", "sms_gateway_url": None})

    with pytest.raises(ValueError, match="LOCKER_SMS_GATEWAY_URL"):
        sms_sender_from_settings(settings)
