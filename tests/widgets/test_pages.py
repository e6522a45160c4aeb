"""The page without JavaScript holds the same conversation as a plain form."""

import json
import re

from fastapi.testclient import TestClient

from tests.widgets.conftest import DATA, FakeRasa
from widgets.history import history


def test_history_shows_button_titles_and_only_the_latest_choices() -> None:
    events = json.loads((DATA / "tracker_events.json").read_text())
    entries = history(events)
    said = [e.text for e in entries if e.who == "user"]
    assert said[0] == "hej"
    assert not any(e.text.startswith("/") for e in entries)
    with_buttons = [i for i, e in enumerate(entries) if e.buttons]
    last_user = max(i for i, e in enumerate(entries) if e.who == "user")
    assert with_buttons and min(with_buttons) > last_user
    assert any(e.services for e in entries)


def test_a_turn_without_javascript(client: TestClient, rasa: FakeRasa) -> None:
    rasa.said = [{"recipient_id": "x", "text": "Hej <b>ven</b>", "buttons": []}]
    page = client.post(
        "/chat", data={"message": "<script>alert(1)</script>", "session": "", "kommune": "faxe"}
    )
    assert page.status_code == 200
    session = re.search(r'name="session" value="([^"]+)"', page.text)
    assert session and len(session.group(1)) >= 16
    assert rasa.sent[0][1] == "<script>alert(1)</script>"
    assert "<script>alert(1)" not in page.text


def test_rasa_down_without_javascript_still_shows_cards(client: TestClient, rasa: FakeRasa) -> None:
    rasa.down = True
    page = client.post("/chat", data={"message": "jeg drikker for meget", "kommune": "nyborg"})
    assert page.status_code == 200
    assert 'class="card"' in page.text
    assert "63 33 79 04" in page.text  # the front door, Socialafdelingen, and its phone
    assert "delvist" in page.text


def test_an_empty_message_gets_a_kind_prompt(client: TestClient, rasa: FakeRasa) -> None:
    page = client.post("/chat", data={"message": "  ", "kommune": "faxe"})
    assert page.status_code == 200 and "Skriv et par ord" in page.text
    assert rasa.sent == []


def test_the_page_without_javascript_has_one_language_menu(client: TestClient) -> None:
    page = client.get("/chat", params={"kommune": "svendborg", "language": "en"})
    assert page.status_code == 200
    assert page.text.count('id="language"') == 1
    assert '<html lang="en" dir="ltr">' in page.text
