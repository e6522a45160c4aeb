"""The webhooks with a fake Rasa: signatures, keywords, numbered choices, limits, redelivery."""

import asyncio
import json
from typing import Any
from xml.sax.saxutils import unescape

import httpx
import pytest
from fastapi.testclient import TestClient
from twilio.request_validator import RequestValidator

from tests.widgets.conftest import FakeRasa, captured
from tests.widgets.sms.signing import gatewayapi_signed
from widgets.settings import WebSettings
from widgets.sms import providers
from widgets.sms.gsm import is_gsm7, segments

URL = "http://testserver/sms/twilio?kommune=svendborg"
NUMBER = "+4512345678"


class Phone:
    """An old phone texting the municipality through Twilio."""

    def __init__(self, client: TestClient, number: str = NUMBER) -> None:
        self.client = client
        self.number = number
        self.sent = 0

    def text(self, body: str, sid: str | None = None, token: str = "dev-twilio-token") -> str:
        self.sent += 1
        params = {"From": self.number, "Body": body, "MessageSid": sid or f"SM{self.sent}"}
        signature = RequestValidator(token).compute_signature(URL, params)
        response = self.client.post(URL, data=params, headers={"X-Twilio-Signature": signature})
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/xml")
        if "<Message>" not in response.text:
            return ""
        return unescape(response.text.split("<Message>")[1].split("</Message>")[0])


@pytest.fixture
def phone(client: TestClient) -> Phone:
    return Phone(client)


def test_a_reply_is_gsm7_at_most_three_segments_with_numbered_options(
    phone: Phone, rasa: FakeRasa
) -> None:
    rasa.said = captured("rest_guidance")
    reply = phone.text("har ingen steder at sove")
    assert is_gsm7(reply) and segments(reply) <= 3
    assert "1 Flere muligheder" in reply and "Svar 1, 2 eller 3" in reply
    assert "62233000" in reply
    sender, message, metadata = rasa.sent[0]
    assert message == "har ingen steder at sove"
    assert metadata["channel"] == "sms" and metadata["kommune"] == "svendborg"
    assert "12345678" not in sender


def test_a_number_picks_the_option_of_the_last_message(phone: Phone, rasa: FakeRasa) -> None:
    rasa.said = captured("rest_guidance")
    phone.text("har ingen steder at sove")
    phone.text("2")
    assert rasa.sent[-1][1] == "/ask_human"
    reply = phone.text("7")
    assert "tallene" in reply and len(rasa.sent) == 2


def test_unsigned_and_forged_requests_are_refused_and_not_processed(
    client: TestClient, rasa: FakeRasa
) -> None:
    params = {"From": NUMBER, "Body": "hej", "MessageSid": "SMx"}
    assert client.post(URL, data=params).status_code == 403
    forged = RequestValidator("not the token").compute_signature(URL, params)
    response = client.post(URL, data=params, headers={"X-Twilio-Signature": forged})
    assert response.status_code == 403
    assert rasa.sent == []


def test_a_body_that_is_not_a_form_is_refused_like_an_unsigned_one(
    client: TestClient, rasa: FakeRasa
) -> None:
    # Regression (schemathesis): a broken multipart body got FastAPI's JSON 400, which the spec
    # did not list; nothing in it can be signed, so it gets the documented 403.
    broken = {"Content-Type": "multipart/form-data"}
    response = client.post(URL, content=b"From=+4512345678", headers=broken)
    assert response.status_code == 403 and response.text == "Forbidden"
    assert rasa.sent == []
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/sms/twilio", "/sms/gatewayapi"):
        assert {"200", "400", "403"} <= set(paths[path]["post"]["responses"])


def test_the_same_message_id_is_answered_once(phone: Phone, rasa: FakeRasa) -> None:
    rasa.said = captured("rest_greet")
    assert phone.text("hej", sid="SMdup")
    assert phone.text("hej", sid="SMdup") == ""
    assert len(rasa.sent) == 1


@pytest.mark.parametrize("word", ["HJÆLP", "hjaelp", "Help", "hjælp!"])
def test_help_says_what_this_is_and_gives_the_front_door(phone: Phone, word: str) -> None:
    reply = phone.text(word)
    assert "Alle Døre" in reply and "112" in reply and "62233000" in reply


@pytest.mark.parametrize("word", ["STOP", "stop", "NY", "start"])
def test_stop_and_start_over_forget_the_options(phone: Phone, rasa: FakeRasa, word: str) -> None:
    rasa.said = captured("rest_guidance")
    phone.text("har ingen steder at sove")
    reply = phone.text(word)
    assert ("slettet" in reply) if word.lower() == "stop" else ("forfra" in reply)
    phone.text("1")
    assert rasa.sent[-1][1] == "1"  # no options left to pick from: the text goes to the bot


def test_too_many_messages_get_one_polite_reply_then_silence(
    client: TestClient, rasa: FakeRasa
) -> None:
    client.app.state.settings.sms_rate_limit = 2  # type: ignore[attr-defined]
    rasa.said = captured("rest_greet")
    phone = Phone(client, "+4599999999")
    replies = [phone.text(f"hej {i}") for i in range(5)]
    assert replies[0] and replies[1]
    assert "mange beskeder" in replies[2]
    assert replies[3:] == ["", ""]
    assert len(rasa.sent) == 2


@pytest.mark.parametrize(
    "body", ["", "x" * 5000, "مرحبا أحتاج مساعدة", "😀😀😀", "<Response>", "1" * 30]
)
def test_any_length_or_alphabet_is_answered(phone: Phone, rasa: FakeRasa, body: str) -> None:
    rasa.said = captured("rest_greet")
    reply = phone.text(body)
    assert reply and is_gsm7(reply) and segments(reply) <= 3


def test_gatewayapi_signed_message_is_answered_through_its_rest_api(
    client: TestClient, rasa: FakeRasa, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[dict[str, Any]] = []

    async def fake_send(url: str, token: str, sender: str, number: str, text: str) -> None:
        sent.append({"url": url, "number": number, "text": text})

    monkeypatch.setattr("widgets.routes.sms.send_gatewayapi", fake_send)
    rasa.said = captured("rest_guidance")
    mo = {"id": 1000001, "msisdn": 4512345678, "receiver": 4587654321, "message": "hjemløs"}
    body, header = gatewayapi_signed(mo, WebSettings().gatewayapi_jwt_secret)
    url = "/sms/gatewayapi?kommune=svendborg"
    response = client.post(url, json=body, headers={"X-Gwapi-Signature": header})
    assert response.status_code == 200
    assert sent and sent[0]["number"] == "4512345678" and "62233000" in sent[0]["text"]
    assert client.post(url, json=body).status_code == 403
    # The same signed request again (a replay) is acknowledged and not answered again ...
    again = client.post(url, json=body, headers={"X-Gwapi-Signature": header})
    assert again.status_code == 200 and len(sent) == 1 and len(rasa.sent) == 1
    # ... and the signature of one message does not carry another.
    forged = {**body, "message": "noget andet", "id": 1000002}
    response = client.post(url, json=forged, headers={"X-Gwapi-Signature": header})
    assert response.status_code == 403 and len(rasa.sent) == 1


def test_gatewayapi_outbound_call_shape(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"ids": [1]})

    original = httpx.AsyncClient

    def client_with_transport(**kwargs: Any) -> httpx.AsyncClient:
        return original(transport=httpx.MockTransport(handler), **kwargs)

    monkeypatch.setattr(providers.httpx, "AsyncClient", client_with_transport)
    asyncio.run(providers.send_gatewayapi("https://gw/rest/mtsms", "tok", "Kommune", "4512", "Hej"))
    body = json.loads(seen[0].content)
    assert body == {"sender": "Kommune", "message": "Hej", "recipients": [{"msisdn": 4512}]}
    assert seen[0].headers["Authorization"] == "Token tok"


def test_gatewayapi_reply_that_cannot_be_sent_is_logged_by_its_kind_only(
    client: TestClient,
    rasa: FakeRasa,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def unreachable(url: str, token: str, sender: str, number: str, text: str) -> None:
        raise httpx.ConnectError("Name or service not known")

    monkeypatch.setattr("widgets.routes.sms.send_gatewayapi", unreachable)
    rasa.said = captured("rest_guidance")
    mo = {"id": 1000077, "msisdn": 4512345677, "receiver": 4587654321, "message": "hjemløs"}
    body, header = gatewayapi_signed(mo, WebSettings().gatewayapi_jwt_secret)
    response = client.post("/sms/gatewayapi", json=body, headers={"X-Gwapi-Signature": header})
    assert response.status_code == 200
    assert "GatewayAPI reply not sent (ConnectError)" in caplog.text
    assert "4512345677" not in caplog.text and "hjemløs" not in caplog.text
