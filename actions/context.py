"""What an action needs to know about the conversation so far, read from the tracker."""

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Tracker

from knowledge.text import clean, fold

STAFF_PHRASES = Path(__file__).resolve().parent / "staff_phrases.yml"
# A person who picked "Anden kommune / ved ikke".
OTHER_KOMMUNE = "anden"


@dataclass
class Turn:
    text: str
    intent: str
    confidence: float
    ranking: list[tuple[str, float]] = field(default_factory=list)
    entities: dict[str, list[str]] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def is_button(self) -> bool:
        """A button press ("/need_bolig") says nothing in the person's own words."""
        return self.text.startswith("/")


def latest_turn(tracker: Tracker) -> Turn:
    message = tracker.latest_message or {}
    intent = message.get("intent") or {}
    entities: dict[str, list[str]] = {}
    for entity in message.get("entities") or []:
        entities.setdefault(str(entity.get("entity")), []).append(str(entity.get("value")))
    return Turn(
        text=clean(str(message.get("text") or "")),
        intent=str(intent.get("name") or ""),
        confidence=float(intent.get("confidence") or 0.0),
        ranking=[
            (str(r.get("name")), float(r.get("confidence") or 0.0))
            for r in message.get("intent_ranking") or []
        ],
        entities=entities,
        metadata=dict(message.get("metadata") or {}),
    )


def reply_language(tracker: Tracker) -> str:
    """The language the bot answers in (the slot addons.language fills each turn): da or en."""
    return "en" if tracker.get_slot("language") == "en" else "da"


def user_language(tracker: Tracker) -> str:
    """The language the person writes in: da, en, or another (then answered in English)."""
    found = str(tracker.get_slot("user_language") or "").strip().lower()
    return found or reply_language(tracker)


@lru_cache(maxsize=1)
def _staff_patterns() -> list[re.Pattern[str]]:
    data = yaml.safe_load(STAFF_PHRASES.read_text(encoding="utf-8"))
    return [re.compile(p) for p in data["patterns"]]


def speaks_for_someone_else(text: str) -> bool:
    """Frontline staff asking for a citizen ("jeg har en borger der ...")."""
    folded = fold(text)
    return any(p.search(folded) for p in _staff_patterns())
