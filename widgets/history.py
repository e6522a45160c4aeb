"""A conversation read back from Rasa's tracker events, for the page without JavaScript."""

from dataclasses import dataclass, field
from typing import Any

from actions.cards import text_form_of
from actions.payload import PAYLOAD_TYPE
from knowledge.i18n import text

# The payload of the "talk to a person" button on the page without JavaScript.
ASK_HUMAN = "/ask_human"


@dataclass
class Entry:
    who: str  # "user" or "bot"
    text: str = ""
    buttons: list[dict[str, str]] = field(default_factory=list)
    services: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)


def history(events: list[dict[str, Any]]) -> list[Entry]:
    """User and bot messages in order; a pressed button shows as its title, not its payload.
    Only the last bot messages keep their buttons: older choices are no longer open."""
    entries: list[Entry] = []
    titles: dict[str, str] = {}
    language = "da"  # the bot's language at that point (the slot addons.language fills)
    for event in events:
        if event.get("event") == "slot" and event.get("name") == "language":
            language = "en" if event.get("value") == "en" else "da"
        if event.get("event") == "user":
            said = str(event.get("text") or "")
            if said == ASK_HUMAN and said not in titles:
                said = text("widget.human_message", language)  # the page's own button
            if said.startswith("/"):
                said = titles.get(said, "")
            if said:
                entries.append(Entry("user", said))
        elif event.get("event") == "bot":
            data = event.get("data") or {}
            buttons = [b for b in data.get("buttons") or [] if isinstance(b, dict)]
            titles.update({str(b.get("payload")): str(b.get("title")) for b in buttons})
            custom = data.get("custom")
            if isinstance(custom, dict) and custom.get("type") == PAYLOAD_TYPE:
                place_cards(entries, custom, language)
            elif event.get("text") or buttons:
                entries.append(Entry("bot", str(event.get("text") or ""), buttons))
    last_user = max((i for i, e in enumerate(entries) if e.who == "user"), default=-1)
    for entry in entries[: last_user + 1]:
        entry.buttons = []
    return entries


def place_cards(entries: list[Entry], custom: dict[str, Any], language: str = "da") -> None:
    """The bot sends each service as text, then all of them as data: draw each card where its
    text was, and the services no text named (crisis lines, doors) after."""
    turn = entries[max((i for i, e in enumerate(entries) if e.who == "user"), default=-1) + 1 :]
    services = list(custom.get("services") or [])
    by_id = {s["id"]: s for s in services}
    drawn: set[str] = set()
    for entry in turn:
        ids = (
            text_form_of(entry.text, services, language)
            if entry.text and not entry.services
            else []
        )
        if ids:
            entry.text, entry.services = "", [by_id[i] for i in ids]
            drawn.update(ids)
    left = [s for s in services if s["id"] not in drawn]
    if left or custom.get("sources"):
        entries.append(Entry("bot", services=left, sources=list(custom.get("sources") or [])))
