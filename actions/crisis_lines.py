"""The crisis lines: 112 and the line that fits, as text and as structured data."""

from typing import Any

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import knowledge_access as kb
from actions.context import Turn
from actions.payload import send_payload
from knowledge.crisis import Crisis, get_lexicon

GENERAL_LINES = ("national-112", "national-livslinien", "national-lev-uden-vold-1888")


def crisis_lines(kind: str | None) -> tuple[str, ...]:
    if kind is None:
        return GENERAL_LINES
    lines = get_lexicon().kinds.get(kind)
    return lines[0] if lines else GENERAL_LINES


def crisis_of(turn: Turn) -> Crisis | None:
    """The crisis net's verdict on this turn. Rasa's pipeline ran the detector (both stages,
    bot/addons/crisis.py) on it and named the kind; the text is not read a second time here."""
    kinds = turn.entities.get("crisis_kind") or []
    if not kinds:
        return None
    return Crisis(kinds[0], crisis_lines(kinds[0]), "nlu")


def stay(
    dispatcher: CollectingDispatcher,
    kind: str | None,
    kommune: str | None,
    themes: list[str],
    more: list[dict[str, Any]] | None = None,
    language: str = "da",
) -> list[dict[str, Any]]:
    """The crisis lines as data (with `more` services shown), one sentence that stays with the
    person, and the crisis flag."""
    lines = [kb.summary(line, kommune, language=language) for line in crisis_lines(kind)]
    services = lines + list(more or [])
    dispatcher.utter_message(response="utter_crisis_stay")
    send_payload(dispatcher, services=services, themes=themes, crisis=True, kommune=kommune)
    return [SlotSet("crisis", True), SlotSet("crisis_kind", kind)]


def announce(dispatcher: CollectingDispatcher, crisis: Crisis | None) -> None:
    """The first words of a crisis reply when the action server spots it (Rasa did not)."""
    kind = crisis.kind if crisis else "general"
    dispatcher.utter_message(response=f"utter_crisis_{kind}")
