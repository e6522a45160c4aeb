"""A service as a few short lines of text, and as the summary the channels render themselves."""

import re
from typing import Any

from knowledge.i18n import text

_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


def first_sentence(description: str) -> str:
    """The one line on what a service is: its description up to the first sentence end."""
    flat = " ".join(description.split())
    return _SENTENCE_END.split(flat, maxsplit=1)[0]


def contact_line(service: dict[str, Any], language: str = "da") -> str:
    """How to get in touch: its own phone, else the door it hands the person on to."""
    if service.get("phone"):
        return text("card.phone", language, phone=service["phone"])
    via = service.get("via")
    if via:
        if via.get("phone"):
            return text("card.via", language, name=via["name"], phone=via["phone"])
        if via.get("address"):
            return text("card.via_address", language, name=via["name"], address=via["address"])
        return text("card.via_no_phone", language, name=via["name"])
    if service.get("url"):
        return text("card.url", language, url=service["url"])
    return ""


def card_text(service: dict[str, Any], language: str = "da") -> str:
    """A service in a few lines, in `language` (its summary was made in the same language)."""
    lines = [service["name"], first_sentence(service.get("description") or "")]
    lines.append(contact_line(service, language))
    if service.get("address"):
        lines.append(text("card.address", language, address=service["address"]))
    if service.get("opening"):
        lines.append(service["opening"])
    return "\n".join(line for line in lines if line)


def door_line(door: dict[str, Any], language: str = "da") -> str:
    """A front door in one line: its name and phone, or its address."""
    if door["phone"]:
        return text("card.door_phone", language, name=door["name"], phone=door["phone"])
    if door["address"]:
        return text("card.door_address", language, name=door["name"], address=door["address"])
    return str(door["name"])


def text_form_of(message: str, services: list[dict[str, Any]], language: str = "da") -> list[str]:
    """The ids of the services a message is the text form of: one card, or door lines, one
    each. A channel that draws cards draws these in the message's place."""
    for service in services:
        if message == card_text(service, language):
            return [service["id"]]
    lines = {door_line(s, language): s["id"] for s in services}
    found = [lines.get(line) for line in message.splitlines() if line.strip()]
    return [i for i in found if i] if found and all(found) else []


def has_door(service: dict[str, Any]) -> bool:
    """A human door: a phone or an address a person can go to, its own or via its front door."""
    via = service.get("via") or {}
    return bool(
        service.get("phone") or service.get("address") or via.get("phone") or via.get("address")
    )
