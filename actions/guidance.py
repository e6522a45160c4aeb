"""Guidance: from what a person writes to one to three services that fit, ending at a door."""

import logging
from typing import Any

from babel.lists import format_list
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import knowledge_access as kb
from actions.cards import card_text, has_door
from actions.context import (
    OTHER_KOMMUNE,
    Turn,
    latest_turn,
    reply_language,
    speaks_for_someone_else,
    user_language,
)
from actions.crisis_lines import announce, stay
from actions.payload import send_payload
from actions.understanding import Understanding, intent_themes, understand
from knowledge.catalogue import dial
from knowledge.errors import KnowledgeError
from knowledge.i18n import locale
from knowledge.search import QueryError, Response
from knowledge.text import fold

log = logging.getLogger(__name__)
MAX_SERVICES = 3
# For a person who writes neither Danish nor English (bot/domain/languages.yml): first, that we
# answer in English and how to get an interpreter, in their own language where we have it.
INTERPRETER_OFFERS = {"uk": "utter_interpreter_uk", "ar": "utter_interpreter_ar"}
SEARCH_DEPTH = 40
POLICY_MARK = "policy:"


def role_events(tracker: Tracker, turn: Turn) -> list[dict[str, Any]]:
    if tracker.get_slot("role") != "staff" and speaks_for_someone_else(turn.text):
        return [SlotSet("role", "staff")]
    return []


def resolve_kommune(tracker: Tracker, turn: Turn) -> tuple[str | None, bool]:
    """(municipality, known): from an entity or town in this message, else the slot.

    `known` is also True when the person chose "anden kommune / ved ikke": we do not ask again.
    """
    for value in turn.entities.get("kommune", []):
        if value == OTHER_KOMMUNE:
            return None, True
        if kb.known_kommune(value):
            return kb.known_kommune(value), True
    named = kb.kommune_in_text(turn.text) if not turn.is_button else None
    if named:
        return named, True
    current = kb.current_kommune(tracker)
    if current:
        return current, True
    return None, bool(tracker.get_slot("kommune_asked"))


def search(query: str, kommune: str | None, language: str = "da") -> Response | None:
    """The services for a message; None when it cannot be searched. With the index missing or
    broken (the app's /health says why) the classifier alone understands the message, and the
    reply still ends at the front door (ensure_door)."""
    try:
        return kb.searcher().search(query, kommune, k=SEARCH_DEPTH, passages=0, language=language)
    except QueryError:
        return None
    except KnowledgeError as error:
        log.warning("Answering without search: %s", error)
        return None


def show_services(
    dispatcher: CollectingDispatcher, services: list[dict[str, Any]], language: str = "da"
) -> list[dict[str, Any]]:
    for service in services:
        dispatcher.utter_message(text=card_text(service, language))
    return services


def ensure_door(
    dispatcher: CollectingDispatcher,
    shown: list[dict[str, Any]],
    kommune: str | None,
    results: list[dict[str, Any]] | None = None,
    themes: list[str] | None = None,
    language: str = "da",
) -> list[dict[str, Any]]:
    """Every reply ends at a human door. When nothing shown has a phone or an address, add the
    municipality's front door; if that has neither (a fact nobody verified is not shown), the
    best-fitting national service that has; with no municipality known, every front door."""
    if any(has_door(s) for s in shown):
        return shown
    seen = {s["id"] for s in shown}
    if kommune is None:
        doors = kb.all_front_doors(language=language)
    else:
        door = kb.front_door(kommune, language=language)
        doors = [door] if door and has_door(door) else []
        if not doors:
            national = [
                s
                for s in results or []
                if s["kommune"] is None and has_door(s) and set(themes or []) & set(s["themes"])
            ]
            doors = national[:1] or kb.national_doors(themes or [], language=language)[:1]
    fresh = [d for d in doors if d["id"] not in seen]
    return shown + show_services(dispatcher, fresh, language)


def call_now(
    dispatcher: CollectingDispatcher, themes: list[str], language: str = "da"
) -> list[dict[str, Any]]:
    """A national service with a checked phone for the need (else one for meeting the system:
    advice on rights), for a person whose municipality is not known yet."""
    doors = [d for d in kb.national_doors(themes, language=language) if d["phone"]]
    if not doors:
        return []
    dispatcher.utter_message(response="utter_call_now")
    return show_services(dispatcher, doors[:1], language)


def guide(
    dispatcher: CollectingDispatcher,
    found: Response | None,
    themes: list[str],
    kommune: str | None,
    language: str = "da",
) -> list[dict[str, Any]]:
    """Say we heard, then show services per theme; several themes start at a coordinating door.

    `found` is the search the message was understood by, so a turn searches once."""
    results = found.services if found else []
    if kommune is None:
        dispatcher.utter_message(response="utter_no_kommune")
    shown: list[dict[str, Any]] = []
    if len(themes) == 1:
        label = kb.theme_label(themes[0], language)
        dispatcher.utter_message(response="utter_heard", topic=label)
        picked = kb.pick_services(results, themes[0], kommune, MAX_SERVICES)
        shown += show_services(dispatcher, picked, language)
    else:
        labels = [kb.theme_label(t, language) for t in themes]
        topics = format_list(labels, locale=locale(language))
        dispatcher.utter_message(response="utter_heard_many", topics=topics)
        door = kb.front_door(kommune, language=language)
        if door:
            shown += show_services(dispatcher, [door], language)
        for theme, label in zip(themes, labels, strict=False):
            taken = {s["id"] for s in shown}
            picked = kb.pick_services(results, theme, kommune, 1, taken)
            if picked:
                dispatcher.utter_message(response="utter_for_topic", topic=label)
                shown += show_services(dispatcher, picked, language)
    if kommune is None and not any(dial(s) for s in shown):
        # A municipality we do not hold ("anden kommune / ved ikke"): a national number to call.
        shown += call_now(dispatcher, themes, language)
    return ensure_door(dispatcher, shown, kommune, results, themes, language)


def out_of_scope(
    dispatcher: CollectingDispatcher, kommune: str | None, language: str = "da"
) -> list[dict[str, Any]]:
    door = kb.front_door(kommune, language=language)
    if door:
        dispatcher.utter_message(response="utter_out_of_scope")
        shown = show_services(dispatcher, [door], language)
        return ensure_door(dispatcher, shown, kommune, themes=[], language=language)
    dispatcher.utter_message(response="utter_out_of_scope_no_kommune")
    return show_services(dispatcher, kb.all_front_doors(language=language), language)


def other_language(tracker: Tracker) -> str | None:
    """The person's language when it is neither Danish nor English (None otherwise). Over SMS
    the answer is GSM-7 only, so it is written in English."""
    writes = user_language(tracker)
    if writes in ("da", "en"):
        return None
    channel = (latest_turn(tracker).metadata or {}).get("channel")
    return "en" if channel == "sms" else writes


def offer_interpreter(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    writes = other_language(tracker)
    if writes is not None:
        dispatcher.utter_message(response=INTERPRETER_OFFERS.get(writes, "utter_interpreter"))


def after_the_lines(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    meaning: Understanding,
    found: Response | None,
    kind: str | None,
    kommune: str | None,
    language: str,
) -> list[dict[str, Any]]:
    """After the crisis lines, the help for what else the message says: a person in danger
    often has a need too ("I lost my flat, and ..."), and a message taken for a crisis that was
    not one still gets its answer."""
    offer_interpreter(dispatcher, tracker)
    if meaning.out_of_scope or not meaning.themes:
        themes = list(tracker.get_slot("themes") or [])
        return stay(dispatcher, kind, kommune, themes, language=language)
    shown = guide(dispatcher, found, meaning.themes, kommune, language)
    events = stay(dispatcher, kind, kommune, meaning.themes, more=shown, language=language)
    return [
        *events,
        SlotSet("themes", meaning.themes),
        SlotSet("shown", [s["id"] for s in shown]),
    ]


class ActionGuide(Action):
    """Needs, municipality answers, out of scope and fallback all come here (data/rules)."""

    def name(self) -> str:
        return "action_guide"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        try:
            return self.respond(dispatcher, tracker)
        except KnowledgeError:
            # The index is missing or broken: still a door, never a silent drop.
            log.exception("knowledge base unavailable")
            dispatcher.utter_message(response="utter_empty")
            return []

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        turn = latest_turn(tracker)
        language = reply_language(tracker)
        # The classifier knows Danish and English only: for another language the multilingual
        # search alone says what the message is about.
        other = user_language(tracker) not in ("da", "en")
        events = role_events(tracker, turn)
        kommune, known = resolve_kommune(tracker, turn)
        if kommune:
            events.append(SlotSet("kommune", kommune))
        pending = tracker.get_slot("pending")
        if turn.intent == "inform_kommune" and pending:
            events += [SlotSet("pending", None), SlotSet("kommune_asked", True)]
            if pending.startswith(POLICY_MARK):
                # Imported here: actions.policy builds on this module's helpers.
                from actions.policy import answer_policy

                return events + answer_policy(
                    dispatcher, pending.removeprefix(POLICY_MARK), [], kommune, language
                )
            themes = list(tracker.get_slot("themes") or [])
            found = search(pending, kommune, language)
            return events + self.recommend(dispatcher, pending, found, themes, kommune, tracker)
        if turn.intent == "inform_kommune":
            dispatcher.utter_message(response="utter_kommune_noted")
            door = kb.front_door(kommune, language=language)
            shown = show_services(dispatcher, [door], language) if door else []
            # A front door with no checked phone or address (Faxe) is no door yet: add one.
            shown = ensure_door(dispatcher, shown, kommune, themes=[], language=language)
            send_payload(dispatcher, services=shown, kommune=kommune)
            return [*events, SlotSet("kommune_asked", True)]
        if not fold(turn.text):
            # Empty, only emoji or punctuation: nothing to go on yet, so a kind nudge and a door.
            dispatcher.utter_message(response="utter_empty")
            shown = ensure_door(dispatcher, [], kommune, language=language)
            send_payload(dispatcher, services=shown, kommune=kommune)
            return events
        query = turn.text
        if turn.is_button:
            # The catalogue and policies are Danish: a button searches with the Danish label.
            query = " ".join(kb.theme_label(t) for t in intent_themes(turn.intent))
        found = search(query, kommune, language)
        meaning = understand(turn, found, other)
        if meaning.crisis is not None:
            announce(dispatcher, meaning.crisis)
            return events + after_the_lines(
                dispatcher, tracker, meaning, found, meaning.crisis.kind, kommune, language
            )
        if meaning.out_of_scope:
            offer_interpreter(dispatcher, tracker)
            shown = out_of_scope(dispatcher, kommune, language)
            send_payload(dispatcher, services=shown, kommune=kommune, out_of_scope=True)
            return events
        if not known:
            # The first reply is already a door: a national line for the need, to call now,
            # then the question that leads to the municipality's own help.
            shown = call_now(dispatcher, meaning.themes, language)
            dispatcher.utter_message(response="utter_ask_kommune")
            send_payload(dispatcher, services=shown, themes=meaning.themes)
            return [
                *events,
                SlotSet("pending", query),
                SlotSet("themes", meaning.themes),
                SlotSet("kommune_asked", True),
            ]
        return events + self.recommend(dispatcher, query, found, meaning.themes, kommune, tracker)

    @staticmethod
    def recommend(
        dispatcher: CollectingDispatcher,
        query: str,
        found: Response | None,
        themes: list[str],
        kommune: str | None,
        tracker: Tracker,
    ) -> list[dict[str, Any]]:
        offer_interpreter(dispatcher, tracker)
        shown = guide(dispatcher, found, themes, kommune, reply_language(tracker))
        dispatcher.utter_message(response="utter_next")
        crisis = bool(tracker.get_slot("crisis"))
        send_payload(dispatcher, services=shown, themes=themes, kommune=kommune, crisis=crisis)
        return [
            SlotSet("themes", themes),
            SlotSet("query", query),
            SlotSet("shown", [s["id"] for s in shown]),
        ]


class ActionMore(Action):
    """ "Flere muligheder": the next services for the same need, or the front door if none."""

    def name(self) -> str:
        return "action_more"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        kommune = kb.current_kommune(tracker)
        language = reply_language(tracker)
        themes = list(tracker.get_slot("themes") or [])
        seen = set(tracker.get_slot("shown") or [])
        query = tracker.get_slot("query") or " ".join(kb.theme_label(t) for t in themes)
        if not themes:
            dispatcher.utter_message(response="utter_ask_need")
            shown = ensure_door(dispatcher, [], kommune, language=language)
            send_payload(dispatcher, services=shown, kommune=kommune)
            return []
        found = search(query, kommune, language)
        results = found.services if found else []
        picked: list[dict[str, Any]] = []
        for theme in themes:
            taken = seen | {s["id"] for s in picked}
            picked += kb.pick_services(results, theme, kommune, MAX_SERVICES - len(picked), taken)
        if picked:
            topic = kb.theme_label(themes[0], language)
            dispatcher.utter_message(response="utter_more", topic=topic)
            show_services(dispatcher, picked, language)
            dispatcher.utter_message(response="utter_next")
        else:
            dispatcher.utter_message(response="utter_no_more")
            picked = ensure_door(dispatcher, [], kommune, language=language)
        send_payload(dispatcher, services=picked, themes=themes, kommune=kommune)
        return [SlotSet("shown", sorted(seen | {s["id"] for s in picked}))]
