"""Whatever an SMS holds, and whoever sends it, the answer is kind: never a 500 or a traceback."""

import uuid
from xml.sax.saxutils import unescape

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator

from tests.widgets.conftest import FakeRasa, captured
from tests.widgets.sms.signing import gatewayapi_signed
from tests.widgets.sms.test_webhooks import URL, Phone
from widgets.settings import WebSettings
from widgets.sms.gateway import choice_number, usable_number
from widgets.sms.gsm import is_gsm7, segments

ODD_REPLIES = [
    "²",
    "①",
    "⑦",
    "١",
    "1²",
    "½",
    "-1",
    "0",
    "99999999999999999999",
    "1" * 5000,
    "😀",
    "👍🏽",
    "",
    "   ",
    "\x00\x01\x1b[31m",
    "\u202e1",
    "\ufeff",
    "x" * 20_000,
]


def kind(reply: str) -> bool:
    return bool(reply) and is_gsm7(reply) and segments(reply) <= 3


@pytest.mark.parametrize("body", ODD_REPLIES)
def test_any_reply_after_a_menu_gets_a_kind_answer(phone: Phone, rasa: FakeRasa, body: str) -> None:
    rasa.said = captured("rest_guidance")
    assert "Svar 1, 2 eller 3" in phone.text("har ingen steder at sove")
    assert kind(phone.text(body))  # Phone.text asserts the 200 and the TwiML


@pytest.fixture
def phone(client: TestClient) -> Phone:
    return Phone(client)


@pytest.mark.parametrize(("body", "option"), [("２", 2), ("②", 2), ("²", 2), ("2.", 2), ("٢", 2)])
def test_a_number_in_any_form_picks_its_option(
    phone: Phone, rasa: FakeRasa, body: str, option: int
) -> None:
    rasa.said = captured("rest_guidance")
    phone.text("har ingen steder at sove")
    phone.text(body)
    assert rasa.sent[-1][1] == "/ask_human"  # option 2 of the captured menu


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=st.text(max_size=200), number=st.integers(20_000_000, 99_999_999))
def test_any_text_at_all_is_answered(
    client: TestClient, rasa: FakeRasa, body: str, number: int
) -> None:
    rasa.said = captured("rest_guidance")
    phone = Phone(client, f"+45{number}")
    assert kind(phone.text(body, sid=uuid.uuid4().hex))  # an id never seen before


def test_a_fault_inside_the_turn_is_answered_kindly(
    phone: Phone, rasa: FakeRasa, client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(key: str) -> list[object]:
        raise ValueError("invalid literal for int(): 'mit cpr er 010203-1234'")

    client.app.state.sms_state.options = broken  # type: ignore[attr-defined]
    rasa.said = captured("rest_guidance")
    reply = phone.text("3")
    assert kind(reply) and "112" in reply
    assert "010203" not in caplog.text  # the error's message is not logged


@pytest.mark.parametrize("sender", ["", "Anonymous", "Restricted", "+", "abc123", "12", "x" * 40])
def test_a_sender_without_a_usable_number_is_refused_kindly(
    client: TestClient, rasa: FakeRasa, sender: str
) -> None:
    params = {"From": sender, "Body": "hej", "MessageSid": "SMnonumber"}
    signature = RequestValidator("dev-twilio-token").compute_signature(URL, params)
    response = client.post(URL, data=params, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 400
    said = unescape(response.text.split("<Message>")[1].split("</Message>")[0])
    assert "nummer" in said and "112" in said and is_gsm7(said)
    assert rasa.sent == []


def test_gatewayapi_refuses_a_sender_without_a_number_kindly(
    client: TestClient, rasa: FakeRasa
) -> None:
    mo = {"id": 7, "msisdn": "Anonymous", "message": "hej"}
    body, header = gatewayapi_signed(mo, WebSettings().gatewayapi_jwt_secret)
    response = client.post("/sms/gatewayapi", json=body, headers={"X-Gwapi-Signature": header})
    assert response.status_code == 400 and "112" in response.text
    assert rasa.sent == []


def test_twilio_without_message_sid_is_deduplicated_by_signature_and_body(
    client: TestClient, rasa: FakeRasa
) -> None:
    rasa.said = captured("rest_greet")
    params = {"From": "+4533334444", "Body": "hej"}
    signature = RequestValidator("dev-twilio-token").compute_signature(URL, params)
    replies = [
        client.post(URL, data=params, headers={"X-Twilio-Signature": signature}) for _ in range(3)
    ]
    assert [r.status_code for r in replies] == [200, 200, 200]
    assert "<Message>" in replies[0].text
    assert all("<Message>" not in r.text for r in replies[1:])
    assert len(rasa.sent) == 1
    other = {"From": "+4533334444", "Body": "hej igen"}
    signature = RequestValidator("dev-twilio-token").compute_signature(URL, other)
    client.post(URL, data=other, headers={"X-Twilio-Signature": signature})
    assert len(rasa.sent) == 2


@pytest.mark.parametrize(
    ("number", "usable"),
    [
        ("+4512345678", True),
        ("45 12 34 56 78", True),
        ("tel:+4512345678", True),
        ("whatsapp:+4512345678", True),
        ("1234", True),
        ("", False),
        ("Anonymous", False),
        ("+", False),
        ("12", False),
        ("1" * 16, False),
        ("abc123", False),
    ],
)
def test_usable_numbers(number: str, usable: bool) -> None:
    assert usable_number(number) is usable


@pytest.mark.parametrize(
    ("text", "number"),
    [("2", 2), (" 2. ", 2), ("２", 2), ("②", 2), ("²", 2), ("٢", 2), ("12", 12)],
)
def test_choice_numbers(text: str, number: int) -> None:
    assert choice_number(text) == number


@pytest.mark.parametrize("text", ["", "½", "-1", "1" * 5000, "😀", "2 tak", "ab"])
def test_not_choices(text: str) -> None:
    assert choice_number(text) is None
