"""Policy questions: a passage from the municipality's own policy, quoted, with its citation."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import knowledge_access as kb
from actions.context import latest_turn, reply_language
from actions.guidance import POLICY_MARK, ensure_door, resolve_kommune, show_services
from actions.payload import send_payload
from knowledge.catalogue import THEMES
from knowledge.errors import KnowledgeError


def answer_policy(
    dispatcher: CollectingDispatcher,
    question: str,
    themes: list[str],
    kommune: str | None,
    language: str = "da",
) -> list[dict[str, Any]]:
    """Quote the passage that answers best; the text is the policy's own, never written here."""
    query = " ".join([question, *(kb.theme_label(t) for t in themes)])
    try:
        found = kb.searcher().search(query, kommune, k=0, passages=1)
    except KnowledgeError:
        # A question we cannot search, or no index: no quote, and the front door below.
        found = None
    sources = [r.source for r in found.results if r.source] if found else []
    shown: list[dict[str, Any]] = []
    if sources:
        top = sources[0]
        dispatcher.utter_message(
            response="utter_policy_quote",
            document=top["document"],
            section=top["section"],
            excerpt=top["excerpt"],
        )
    else:
        dispatcher.utter_message(response="utter_policy_none")
    door = kb.front_door(kommune, language=language)
    if door:
        shown = show_services(dispatcher, [door], language)
    shown = ensure_door(dispatcher, shown, kommune, language=language)
    send_payload(dispatcher, services=shown, sources=sources, themes=themes, kommune=kommune)
    return [SlotSet("themes", themes)] if themes else []


class ActionPolicy(Action):
    def name(self) -> str:
        return "action_policy"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        turn = latest_turn(tracker)
        kommune, _ = resolve_kommune(tracker, turn)
        themes = [t for t in turn.entities.get("theme", []) if t in THEMES]
        if kommune is None:
            dispatcher.utter_message(response="utter_policy_ask_kommune")
            send_payload(dispatcher, themes=themes)
            return [SlotSet("pending", POLICY_MARK + turn.text), SlotSet("themes", themes)]
        language = reply_language(tracker)
        answer = answer_policy(dispatcher, turn.text, themes, kommune, language)
        return [SlotSet("kommune", kommune), *answer]
