"""Conversation ids: the web's are the server's (random, tagged); a client's own is replaced and
never stored; SMS conversations are in a space no web route accepts."""

import re

from fastapi.testclient import TestClient

from tests.widgets.conftest import FakeRasa, captured
from tests.widgets.sms.test_webhooks import Phone
from widgets.ids import SMS_PREFIX, is_sms_id, is_web_id, new_web_id, web_id
from widgets.settings import WebSettings
from widgets.sms.state import number_key

SECRET = WebSettings().session_id_secret
# What a client might send: a CPR number, a guess of the old form, an SMS key, a forged tag.
MADE_UP = [
    "150387-2941",
    "1503872941",
    "abcdefghijklmnop",
    "A" * 32 + "." + "B" * 22,
    number_key("+4512345678", WebSettings().sms_number_secret),
    "../../etc/passwd",
]


def test_a_new_id_is_random_long_and_tagged() -> None:
    ids = {new_web_id(SECRET) for _ in range(200)}
    assert len(ids) == 200
    for made in ids:
        nonce, tag = made.split(".")
        assert len(nonce) == 32 and len(tag) == 22  # 192 random bits, a 128-bit tag
        assert is_web_id(made, SECRET) and web_id(made, SECRET) == made


def test_a_tag_holds_only_with_its_secret_and_its_nonce() -> None:
    made = new_web_id(SECRET)
    nonce, tag = made.split(".")
    assert not is_web_id(made, "another secret")
    flipped = ("B" if nonce[0] == "A" else "A") + nonce[1:]
    assert not is_web_id(f"{flipped}.{tag}", SECRET)
    assert not is_web_id(made + "x", SECRET) and not is_web_id(None, SECRET)


def test_an_sms_key_is_in_its_own_space() -> None:
    key = number_key("+45 12 34 56 78", "secret")
    assert key.startswith(SMS_PREFIX) and is_sms_id(key)
    assert not is_web_id(key, SECRET)
    assert not any(is_sms_id(new_web_id(SECRET)) for _ in range(50))


def test_a_made_up_id_is_replaced_and_never_reaches_rasa(
    client: TestClient, rasa: FakeRasa
) -> None:
    rasa.said = captured("rest_greet")
    for given in MADE_UP:
        reply = client.post("/api/chat", json={"session_id": given, "message": "hej"}).json()
        assert reply["session_id"] != given and is_web_id(reply["session_id"], SECRET)
    assert not {sender for sender, _, _ in rasa.sent} & set(MADE_UP)
    assert all(is_web_id(sender, SECRET) for sender, _, _ in rasa.sent)


def test_the_id_the_server_gave_continues_the_conversation(
    client: TestClient, rasa: FakeRasa
) -> None:
    rasa.said = captured("rest_greet")
    first = client.post("/api/chat", json={"message": "hej"}).json()["session_id"]
    again = client.post("/api/chat", json={"session_id": first, "message": "hej igen"}).json()
    assert again["session_id"] == first
    assert [sender for sender, _, _ in rasa.sent] == [first, first]


def test_no_web_route_reads_or_writes_an_sms_conversation(
    client: TestClient, rasa: FakeRasa
) -> None:
    rasa.said = captured("rest_guidance")
    Phone(client).text("har ingen steder at sove")
    key = rasa.sent[0][0]
    assert is_sms_id(key)
    rasa.events_by_sender[key] = [{"event": "user", "text": "min hemmelighed"}]
    # The page without JavaScript neither shows it nor hands its id on ...
    page = client.get("/chat", params={"s": key})
    assert "min hemmelighed" not in page.text and key not in page.text
    # ... and a turn sent with it, as JSON or as a form, goes to a new web conversation.
    api = client.post("/api/chat", json={"session_id": key, "message": "hej"}).json()
    client.post("/chat", data={"session": key, "message": "hej"})
    assert api["session_id"] != key
    assert [sender for sender, _, _ in rasa.sent].count(key) == 1


def test_the_page_without_javascript_carries_the_server_id(
    client: TestClient, rasa: FakeRasa
) -> None:
    rasa.said = captured("rest_greet")
    page = client.post("/chat", data={"session": "150387-2941", "message": "hej"})
    session = re.search(r'name="session" value="([^"]+)"', page.text)
    assert session and is_web_id(session.group(1), SECRET)
    assert "150387-2941" not in page.text
    assert rasa.sent[-1][0] == session.group(1)
    # A reload with that id reads the conversation back; the next turn continues it.
    rasa.events_by_sender[session.group(1)] = [{"event": "user", "text": "tidligere"}]
    assert "tidligere" in client.get("/chat", params={"s": session.group(1)}).text
    client.post("/chat", data={"session": session.group(1), "message": "igen"})
    assert rasa.sent[-1][0] == session.group(1)
