"""Human doors: who to talk to about the current need, and when places are open."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import knowledge_access as kb
from actions.cards import door_line, has_door
from actions.context import reply_language
from actions.guidance import ensure_door, show_services
from actions.payload import send_payload
from knowledge.catalogue import dial


def human_for(
    theme: str | None, kommune: str | None, language: str = "da"
) -> dict[str, Any] | None:
    """A person to call about `theme`: a service of the municipality (its own phone first, then
    through the front door), open now first; else a national line for the theme; else the
    municipality's front door."""
    if theme is None:
        return kb.front_door(kommune, language=language)
    cat = kb.catalogue()
    local: list[dict[str, Any]] = []
    national: list[dict[str, Any]] = []
    for service in cat.for_kommune(kommune):
        if theme not in service.themes or service.crisis or service.front_door:
            continue
        summary = cat.summary(service.id, None, kommune, language)
        if service.kommune is not None and dial(summary):
            local.append(summary)
        elif service.kommune is None and summary["phone"]:
            national.append(summary)
    local.sort(key=lambda s: (s["phone"] is None, not s["open_now"]))
    national.sort(key=lambda s: not s["open_now"])
    if kommune is not None and local:
        return local[0]
    if national:
        return national[0]
    return kb.front_door(kommune, language=language)


def round_the_clock(
    theme: str | None, kommune: str | None, language: str = "da"
) -> list[dict[str, Any]]:
    """National lines open day and night that fit the theme (e.g. Lev Uden Vold for vold).
    None without a theme: a line for one topic is no answer to "can I talk to someone"."""
    if theme is None:
        return []
    cat = kb.catalogue()
    found = []
    for service in cat.for_kommune(None):
        fits = service.kommune is None and theme in service.themes and not service.emergency
        if fits and cat.always_open(service.id):
            summary = cat.summary(service.id, None, kommune, language)
            if summary["phone"]:
                found.append(summary)
    return found[:1]


def open_now_instead(
    theme: str | None, kommune: str | None, language: str = "da"
) -> list[dict[str, Any]]:
    """A door open now when the person's own is closed or its hours unknown: a national line
    for the theme open day and night, else the region's out-of-hours number while it is open."""
    lines = round_the_clock(theme, kommune, language)
    if lines or kommune is None:
        return lines
    cat = kb.catalogue()
    fact = cat.municipalities[kommune].out_of_hours_fact
    for service in cat.for_kommune(kommune):
        if service.kommune == kommune and fact in service.facts:
            summary = cat.summary(service.id, None, kommune, language)
            if summary["open_now"] and summary["phone"]:
                return [summary]
    return []


class ActionHumanDoor(Action):
    def name(self) -> str:
        return "action_human_door"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        kommune = kb.current_kommune(tracker)
        language = reply_language(tracker)
        themes = list(tracker.get_slot("themes") or [])
        theme = themes[0] if themes else None
        person = human_for(theme, kommune, language)
        dispatcher.utter_message(response="utter_human")
        shown = show_services(dispatcher, [person], language) if person else []
        if person and not person["open_now"]:
            lines = open_now_instead(theme, kommune, language)
            if lines:
                # Closed, or hours we do not know: say which, never guess "closed".
                closed = person["open_now"] is False
                dispatcher.utter_message(
                    response="utter_human_closed" if closed else "utter_human_hours_unknown"
                )
                shown += show_services(dispatcher, lines, language)
        shown = ensure_door(dispatcher, shown, kommune, themes=themes, language=language)
        handover = None
        if person:
            handover = {
                "service_id": person["id"],
                "name": person["name"],
                "phone": dial(person),
                "open_now": person["open_now"],
                "opening": person["opening"],
            }
        send_payload(
            dispatcher,
            services=shown,
            themes=themes,
            kommune=kommune,
            handover=handover,
            crisis=bool(tracker.get_slot("crisis")),
        )
        return []


class ActionOpening(Action):
    """ "Hvornår har de åbent?": the opening of the services shown last, or the front door's."""

    def name(self) -> str:
        return "action_opening"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        kommune = kb.current_kommune(tracker)
        language = reply_language(tracker)
        ids = [i for i in tracker.get_slot("shown") or [] if i in kb.catalogue().services]
        services = [kb.summary(i, kommune, language=language) for i in ids]
        if not services:
            door = kb.front_door(kommune, language=language)
            services = [door] if door else []
        if services:
            dispatcher.utter_message(response="utter_opening")
            show_services(dispatcher, services, language)
        else:
            dispatcher.utter_message(response="utter_nothing_shown")
        shown = ensure_door(dispatcher, services, kommune, language=language)
        send_payload(dispatcher, services=shown, kommune=kommune)
        return []


class ActionDoorHint(Action):
    """After a greeting or "are you a robot?": the municipality's front door in one short
    message (every front door, a line each, when we do not know where the person lives)."""

    def name(self) -> str:
        return "action_door_hint"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        kommune = kb.current_kommune(tracker)
        language = reply_language(tracker)
        door = kb.front_door(kommune, language=language)
        doors = [door] if door else kb.all_front_doors(language=language)
        if door and not has_door(door):
            # No checked phone or address for this municipality: a national adviser as well.
            doors += kb.national_doors(["kontakt"], language=language)[:1]
        dispatcher.utter_message(response="utter_door_hint")
        dispatcher.utter_message(text="\n".join(door_line(d, language) for d in doors))
        send_payload(dispatcher, services=doors, kommune=kommune)
        return []
