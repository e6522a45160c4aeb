"""The Rasa domain and rules: numbers checked, short plain Danish, every intent has a way on."""

import re
import statistics
from pathlib import Path
from typing import Any

import pytest
import yaml

from knowledge.catalogue import THEMES, Catalogue
from knowledge.facts import digits, load_facts
from knowledge.settings import get_settings
from knowledge.text import lix

BOT = Path(__file__).resolve().parents[2] / "bot"
ACTIONS = Path(__file__).resolve().parents[2] / "actions"
# Phone numbers as written in Danish text: 112, 1888, 116 111, 70 201 201, 89 59 10 00.
PHONE = re.compile(r"(?<![\d{])(\d{2,4}(?: \d{2,3}){0,3})(?![\d}])")


def load(folder: str) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for path in sorted((BOT / folder).glob("*.yml")):
        for key, value in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            if isinstance(value, dict):
                merged.setdefault(key, {}).update(value)
            elif isinstance(value, list):
                merged.setdefault(key, []).extend(value)
    return merged


@pytest.fixture(scope="module")
def domain() -> dict[str, Any]:
    return load("domain")


def response_texts(domain: dict[str, Any]) -> dict[str, list[str]]:
    return {
        name: [v["text"] for v in variations if v.get("text")]
        for name, variations in domain["responses"].items()
    }


def test_every_phone_number_in_a_response_is_a_verified_fact(domain: dict[str, Any]) -> None:
    book = load_facts(get_settings().facts_dir)
    verified = {
        digits(fact.values["phone"])
        for fact in book.facts.values()
        if "phone" in fact.values and fact.is_verified("phone")
    }
    for name, texts in response_texts(domain).items():
        for text in texts:
            for number in (n for n in PHONE.findall(text) if len(digits(n)) >= 3):
                assert digits(number) in verified, f"{name}: {number} is not a verified number"


def test_responses_are_plain_danish(domain: dict[str, Any]) -> None:
    scores = [
        lix(re.sub(r"\{\w+\}", "", text))
        for texts in response_texts(domain).values()
        for text in texts
    ]
    assert statistics.median(scores) <= 35, statistics.median(scores)


def test_crisis_responses_start_with_112(domain: dict[str, Any]) -> None:
    for name, texts in response_texts(domain).items():
        if name.startswith("utter_crisis") and name != "utter_crisis_stay":
            assert all(text.startswith(("Ring 112", "Call 112")) for text in texts), name


def test_every_intent_has_a_rule_and_every_theme_an_intent(domain: dict[str, Any]) -> None:
    rules = load("data/rules")["rules"]
    ruled = {step["intent"] for rule in rules for step in rule["steps"] if "intent" in step}
    assert set(domain["intents"]) <= ruled | {"nlu_fallback"}
    assert {f"need_{theme}" for theme in THEMES} <= set(domain["intents"])


def test_responses_not_in_rules_are_sent_by_an_action(domain: dict[str, Any]) -> None:
    """Rasa's validator warns about these; this is the check that they are used after all."""
    rules = load("data/rules")["rules"]
    in_rules = {step["action"] for rule in rules for step in rule["steps"] if "action" in step}
    code = "\n".join(p.read_text(encoding="utf-8") for p in ACTIONS.glob("*.py"))
    for name in domain["responses"]:
        if name in in_rules:
            continue
        used = f'"{name}"' in code or name.startswith("utter_crisis_")
        assert used, f"{name} is sent by nothing"


def test_the_fallback_answer_has_checked_numbers_and_the_real_front_doors(
    catalogue: Catalogue,
) -> None:
    texts = yaml.safe_load((BOT / "addons" / "fallback.yml").read_text(encoding="utf-8"))
    assert "112" in texts["limited"]
    assert set(texts["doors"]) == set(catalogue.municipalities)
    for kommune, line in texts["doors"].items():
        door = catalogue.front_door(kommune)
        assert door is not None
        shown = catalogue.summary(door.id)
        contact = shown["phone"] or shown["address"] or shown["url"].removeprefix("https://")
        assert contact in line, f"{kommune}: {line} does not give {contact}"
