"""Other languages through the real stack: the multilingual search finds the right theme, the
bot answers in English, and offers an interpreter in the person's own language."""

import json
import urllib.request
from typing import Any

import pytest

from stack.supervisor import Supervisor

pytestmark = pytest.mark.stack


def chat(stack: Supervisor, message: str, **fields: str) -> dict[str, Any]:
    body = json.dumps({"message": message, "kommune": "svendborg", **fields}).encode()
    request = urllib.request.Request(
        f"{stack.settings.app_url}/api/chat",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        reply: dict[str, Any] = json.loads(response.read())
    return reply


@pytest.mark.parametrize(
    ("message", "language", "theme", "offer"),
    [
        ("Мені нема де спати, мене виселили з квартири", "uk", "bolig", "перекладач"),
        ("ليس لدي مكان للنوم، طُردت من شقتي", "ar", "bolig", "مترجم"),
        ("У мене великі борги, і я не знаю, як їх виплатити", "uk", "oekonomi", "перекладач"),
        ("أشرب الكحول كل يوم وأريد أن أتوقف", "ar", "misbrug", "مترجم"),
    ],
)
def test_a_question_in_another_language_reaches_a_service_of_its_theme(
    running_stack: Supervisor, message: str, language: str, theme: str, offer: str
) -> None:
    reply = chat(running_stack, message)
    assert reply["language"] == language
    assert theme in reply["themes"], reply["themes"]
    own = [s for s in reply["services"] if theme in s["themes"] and not s["front_door"]]
    assert own, [s["id"] for s in reply["services"]]
    texts = " ".join(m["text"] for m in reply["messages"])
    assert offer in texts and "tolk" in texts, texts


def test_english_is_answered_in_english(running_stack: Supervisor) -> None:
    reply = chat(running_stack, "i lost my job and need help finding work")
    assert reply["language"] == "en"
    assert "beskaeftigelse" in reply["themes"]
    texts = " ".join(m["text"] for m in reply["messages"])
    assert "help" in texts.lower() and "Tak, fordi" not in texts, texts
    buttons = [b["title"] for m in reply["messages"] for b in m["buttons"]]
    assert "More options" in buttons, buttons


def test_a_crisis_in_ukrainian_gets_112_first(running_stack: Supervisor) -> None:
    reply = chat(running_stack, "я хочу покінчити з життям")
    assert reply["crisis"] is True
    assert reply["messages"][0]["text"].startswith(("Ring 112", "Call 112"))
