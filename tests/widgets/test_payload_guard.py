"""Nothing reaches Rasa that the app did not check: on every path that sends a turn (the JSON
API, the page without JavaScript, SMS), a message starting with `/` is an intent only when it is
a button payload the bot offers."""

import pytest
from fastapi.testclient import TestClient

from tests.widgets.conftest import FakeRasa, captured
from tests.widgets.sms.test_webhooks import Phone

# Rasa would decode the \u escapes into a CPR number and put it in the kommune slot.
ESCAPED_CPR = '/inform_kommune{"kommune": "\\u0031\\u0035\\u0030\\u0033\\u0038\\u0037-2941"}'


@pytest.mark.parametrize(
    ("sent", "reached"),
    [
        ("/ask_human", "/ask_human"),
        ('/inform_kommune{"kommune":"jammerbugt"}', '/inform_kommune{"kommune": "jammerbugt"}'),
        ('/inform_kommune{"kommune": "Atlantis"}', 'inform_kommune{"kommune": "Atlantis"}'),
        ("/restart", "restart"),
        ('/need_vold{"kommune": "faxe"}', 'need_vold{"kommune": "faxe"}'),
    ],
)
def test_the_api_sends_only_offered_payloads_as_payloads(
    client: TestClient, rasa: FakeRasa, sent: str, reached: str
) -> None:
    rasa.said = captured("rest_greet")
    assert client.post("/api/chat", json={"message": sent}).status_code == 200
    assert rasa.sent[-1][1] == reached


def test_an_escaped_payload_reaches_rasa_as_words_and_is_redacted_as_words(
    client: TestClient, rasa: FakeRasa
) -> None:
    rasa.said = captured("rest_greet")
    client.post("/api/chat", json={"message": ESCAPED_CPR})
    said = rasa.sent[-1][1]
    assert not said.startswith("/") and "2941" not in said


def test_a_lone_slash_is_an_empty_message(client: TestClient, rasa: FakeRasa) -> None:
    reply = client.post("/api/chat", json={"message": " / "}).json()
    assert rasa.sent == [] and reply["messages"]


def test_the_page_without_javascript_checks_the_same(client: TestClient, rasa: FakeRasa) -> None:
    rasa.said = captured("rest_greet")
    client.post("/chat", data={"message": "/ask_human", "kommune": "faxe"})
    client.post("/chat", data={"message": '/greet{"kommune": "faxe"}', "kommune": "faxe"})
    assert [m for _, m, _ in rasa.sent] == ["/ask_human", 'greet{"kommune": "faxe"}']


def test_sms_checks_the_same(client: TestClient, rasa: FakeRasa) -> None:
    rasa.said = captured("rest_guidance")
    phone = Phone(client)
    phone.text('/inform_kommune{"kommune": "faxe", "theme": "vold"}')
    phone.text("2")  # the second option of the last message: "Tal med et menneske"
    assert [m for _, m, _ in rasa.sent] == [
        'inform_kommune{"kommune": "faxe", "theme": "vold"}',
        "/ask_human",
    ]
