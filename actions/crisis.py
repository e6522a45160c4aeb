"""After a crisis: the lines as structured data, staying with the person, and, when only the
classifier saw a crisis, the regular help for what they wrote as well."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import knowledge_access as kb
from actions.context import latest_turn, reply_language
from actions.crisis_lines import stay
from actions.guidance import guide, search
from actions.understanding import understand
from knowledge.crisis import get_detector


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
        language = reply_language(tracker)
        if kind is not None:
            themes = list(tracker.get_slot("themes") or [])
            return stay(dispatcher, kind, kommune, themes, language=language)
        # Only DIET said crisis, and it also says so about some needs ("ludomani hjælp"): the
        # crisis lines came first; the help for the need follows, so nothing is lost either way.
        searched = search(turn.text, kommune, language)
        meaning = understand(turn, searched)
        if meaning.out_of_scope or not meaning.themes:
            return stay(dispatcher, None, kommune, [], language=language)
        shown = guide(dispatcher, searched, meaning.themes, kommune, language)
        events = stay(dispatcher, None, kommune, meaning.themes, more=shown, language=language)
        return [
            *events,
            SlotSet("themes", meaning.themes),
            SlotSet("shown", [s["id"] for s in shown]),
        ]
