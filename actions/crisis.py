"""After a crisis: the lines as structured data, and staying with the person."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import knowledge_access as kb
from actions.context import latest_turn
from actions.payload import send_payload
from knowledge.crisis import Crisis, get_detector

GENERAL_LINES = ("national-112", "national-livslinien", "national-lev-uden-vold-1888")


def crisis_lines(kind: str | None) -> tuple[str, ...]:
    if kind is None:
        return GENERAL_LINES
    lines = get_detector().kinds.get(kind)
    return lines[0] if lines else GENERAL_LINES


def stay(
    dispatcher: CollectingDispatcher, kind: str | None, kommune: str | None, themes: list[str]
) -> list[dict[str, Any]]:
    """The crisis lines as data, one sentence that stays with the person, and the crisis flag."""
    services = [kb.summary(line, kommune) for line in crisis_lines(kind)]
    dispatcher.utter_message(response="utter_crisis_stay")
    send_payload(dispatcher, services=services, themes=themes, crisis=True, kommune=kommune)
    return [SlotSet("crisis", True), SlotSet("crisis_kind", kind)]


def announce(dispatcher: CollectingDispatcher, crisis: Crisis | None) -> None:
    """The first words of a crisis reply when the action server spots it (Rasa did not)."""
    kind = crisis.kind if crisis else "general"
    dispatcher.utter_message(response=f"utter_crisis_{kind}")


class ActionCrisis(Action):
    """Runs after utter_crisis, which Rasa sends first, even with the action server down."""

    def name(self) -> str:
        return "action_crisis"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        turn = latest_turn(tracker)
        kinds = turn.entities.get("crisis_kind") or []
        found = get_detector().detect(turn.text)
        kind = kinds[0] if kinds else (found.kind if found else None)
        kommune = kb.current_kommune(tracker)
        return stay(dispatcher, kind, kommune, list(tracker.get_slot("themes") or []))
