"""A service as a few short lines of text, and as the summary the channels render themselves."""

import re
from typing import Any

from knowledge.texts import text

_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


def first_sentence(description: str) -> str:
    """The one line on what a service is: its description up to the first sentence end."""
    flat = " ".join(description.split())
    return _SENTENCE_END.split(flat, maxsplit=1)[0]


def contact_line(service: dict[str, Any]) -> str:
    """How to get in touch: its own phone, else the door it hands the person on to."""
    if service.get("phone"):
        return text("card.phone", phone=service["phone"])
    via = service.get("via")
    if via:
        if via.get("phone"):
            return text("card.via", name=via["name"], phone=via["phone"])
        if via.get("address"):
            return text("card.via_address", name=via["name"], address=via["address"])
        return text("card.via_no_phone", name=via["name"])
    if service.get("url"):
        return text("card.url", url=service["url"])
    return ""


def card_text(service: dict[str, Any]) -> str:
    lines = [service["name"], first_sentence(service.get("description") or "")]
    lines.append(contact_line(service))
    if service.get("address"):
        lines.append(text("card.address", address=service["address"]))
    if service.get("opening"):
        lines.append(service["opening"])
    return "\n".join(line for line in lines if line)


def has_door(service: dict[str, Any]) -> bool:
    """A human door: a phone or an address a person can go to, its own or via its front door."""
    via = service.get("via") or {}
    return bool(
        service.get("phone") or service.get("address") or via.get("phone") or via.get("address")
    )
