"""What carries a conversation, or what a person wrote, is never kept by a cache."""

import pytest
from fastapi.testclient import TestClient
from twilio.request_validator import RequestValidator

from tests.widgets.conftest import FakeRasa, captured


def no_store(response: object) -> bool:
    return getattr(response, "headers", {}).get("cache-control") == "no-store"


def test_the_chat_api_answer_is_not_cached(client: TestClient, rasa: FakeRasa) -> None:
    rasa.said = captured("rest_guidance")
    response = client.post("/api/chat", json={"message": "har ingen steder at sove"})
    assert response.status_code == 200 and no_store(response)


def test_a_refused_chat_turn_is_not_cached_either(client: TestClient) -> None:
    response = client.post("/api/chat", json={"message": 5})
    assert response.status_code == 422 and no_store(response)


@pytest.mark.parametrize("path", ["/chat", "/chat?s=abcdefgh12345678", "/staff", "/staff?q=gæld"])
def test_pages_that_show_a_conversation_or_a_search_are_not_cached(
    client: TestClient, path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200 and no_store(response)


def test_the_page_without_javascript_answer_is_not_cached(
    client: TestClient, rasa: FakeRasa
) -> None:
    rasa.said = captured("rest_guidance")
    response = client.post("/chat", data={"message": "hjemløs", "kommune": "svendborg"})
    assert response.status_code == 200 and no_store(response)


def test_the_staff_service_page_is_not_cached(client: TestClient) -> None:
    found = client.get("/api/services").json()["services"][0]["id"]
    assert no_store(client.get(f"/staff/service/{found}"))


def test_sms_webhook_answers_are_not_cached(client: TestClient, rasa: FakeRasa) -> None:
    rasa.said = captured("rest_greet")
    url = "http://testserver/sms/twilio"
    for sender in ("+4512121212", "Anonymous"):
        params = {"From": sender, "Body": "hej", "MessageSid": f"SM{sender}"}
        signature = RequestValidator("dev-twilio-token").compute_signature(url, params)
        response = client.post(url, data=params, headers={"X-Twilio-Signature": signature})
        assert no_store(response), sender


def test_what_may_be_cached_still_is(client: TestClient) -> None:
    assert client.get("/widget.js").headers["cache-control"] == "public, max-age=300"
    assert client.get("/widget/texts.json").headers["cache-control"] == "public, max-age=300"
