"""After a crisis: the lines as structured data, staying with the person, and the regular help
for whatever else they wrote."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import knowledge_access as kb
from actions.context import latest_turn, reply_language, user_language
from actions.crisis_lines import crisis_of
from actions.guidance import after_the_lines, search
from actions.understanding import understand


class ActionCrisis(Action):
    """Runs after utter_crisis, which Rasa sends first, even with the action server down."""

    def name(self) -> str:
        return "action_crisis"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        turn = latest_turn(tracker)
        found = crisis_of(turn)
        kind = found.kind if found else None
        kommune = kb.current_kommune(tracker)
        language = reply_language(tracker)
        # The crisis lines came first (utter_crisis); the help for the rest of the message
        # follows. The classifier knows Danish and English only; another language is read by
        # the multilingual search alone, as in action_guide.
        other = user_language(tracker) not in ("da", "en")
        searched = search(turn.text, kommune, language)
        meaning = understand(turn, searched, other)
        return after_the_lines(dispatcher, tracker, meaning, searched, kind, kommune, language)
