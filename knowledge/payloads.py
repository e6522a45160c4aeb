"""Which `/intent{json}` messages may reach Rasa: the button payloads the bot itself offers.

Rasa reads a message that starts with `/` as an intent with entities, and decodes the JSON
(`\\u` escapes included) after the app has redacted the text: a person could set any slot to any
value. So a message that starts with `/` is let through only when it is one of the payloads the
bot's domain offers (bot/domain/*.yml buttons; the actions build none of their own), with every
entity value in its vocabulary (municipality slugs from the catalogue, language codes). It is
then sent in one canonical spelling, so what Rasa decodes is what was checked. Anything else
starting with `/` goes on as plain text without its slashes.

The app (widgets/chat.py) and Rasa's own REST channel (bot/addons/channel.py) both call
`guard()`; it runs in both Python environments, so it uses PyYAML and the standard library only.
"""

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from knowledge.i18n import UI_LANGUAGES

PROJECT_DIR = Path(__file__).resolve().parent.parent
DOMAIN_DIR = PROJECT_DIR / "bot" / "domain"
CATALOGUE_DIR = Path(__file__).resolve().parent / "catalogue"
PREFIX = "/"
# The page's own "talk to a person" button (widgets/templates/chat.html, widgets/static/widget.js).
PAGE_PAYLOADS = ("/ask_human",)
# The language codes a payload may carry: those the project has words for.
LANGUAGES = frozenset(UI_LANGUAGES)
_PAYLOAD = re.compile(r"/(?P<intent>[a-z][a-z0-9_]*)(?P<entities>\{.*\})?", re.DOTALL)


@dataclass(frozen=True)
class Payload:
    intent: str
    entities: tuple[tuple[str, str], ...] = ()

    @property
    def text(self) -> str:
        """The one spelling sent to Rasa (as the domain writes it: `{"kommune": "faxe"}`)."""
        if not self.entities:
            return PREFIX + self.intent
        return PREFIX + self.intent + json.dumps(dict(self.entities), ensure_ascii=True)


def parse(message: str) -> Payload | None:
    """`/intent` or `/intent{"entity": "value", ...}` with string values; None for anything
    else (a confidence `@0.9`, nested JSON, numbers, text after the JSON)."""
    match = _PAYLOAD.fullmatch(message.strip())
    if match is None:
        return None
    entities: dict[str, Any] = {}
    if match.group("entities"):
        try:
            entities = json.loads(match.group("entities"))
        except ValueError:
            return None
        if not isinstance(entities, dict):
            return None
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in entities.items()):
            return None
    return Payload(match.group("intent"), tuple(sorted(entities.items())))


@dataclass(frozen=True)
class AllowList:
    """Each intent a button may send, with the entity names it carries, and each entity's
    vocabulary."""

    shapes: frozenset[tuple[str, frozenset[str]]]
    vocabulary: dict[str, frozenset[str]]

    def allowed(self, message: str) -> Payload | None:
        payload = parse(message)
        if payload is None:
            return None
        names = frozenset(name for name, _ in payload.entities)
        if (payload.intent, names) not in self.shapes:
            return None
        if any(value not in self.vocabulary.get(name, ()) for name, value in payload.entities):
            return None
        return payload


def domain_payloads(domain_dir: Path) -> list[str]:
    """Every button payload in the domain's responses, as Rasa sends it (`{{` is its escape)."""
    found: list[str] = []
    for path in sorted(domain_dir.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for variations in (data.get("responses") or {}).values():
            for variation in variations or []:
                for button in (variation or {}).get("buttons") or []:
                    payload = str(button.get("payload") or "")
                    found.append(payload.replace("{{", "{").replace("}}", "}"))
    return found


def municipality_slugs(catalogue_dir: Path) -> frozenset[str]:
    data = yaml.safe_load((catalogue_dir / "municipalities.yml").read_text(encoding="utf-8"))
    return frozenset(str(m["slug"]) for m in (data or {}).get("municipalities") or [])


def build_allow_list(
    payloads: list[str], municipalities: frozenset[str], languages: frozenset[str] = LANGUAGES
) -> AllowList:
    """From the payloads the bot offers: their shapes, and each entity's values in them, widened
    by the catalogue's municipalities (a new one is data) and the known languages."""
    shapes: set[tuple[str, frozenset[str]]] = set()
    vocabulary: dict[str, set[str]] = {
        "kommune": set(municipalities),
        "language": set(languages),
        "user_language": set(languages),
    }
    for text in [*payloads, *PAGE_PAYLOADS]:
        payload = parse(text)
        if payload is None:
            raise ValueError(f"a button payload the allow-list cannot read: {text!r}")
        shapes.add((payload.intent, frozenset(name for name, _ in payload.entities)))
        for name, value in payload.entities:
            vocabulary.setdefault(name, set()).add(value)
    return AllowList(frozenset(shapes), {k: frozenset(v) for k, v in vocabulary.items()})


@lru_cache(maxsize=4)
def get_allow_list(domain_dir: Path = DOMAIN_DIR, catalogue_dir: Path = CATALOGUE_DIR) -> AllowList:
    """Read once, on first use (the domain and the catalogue change only with a restart)."""
    return build_allow_list(domain_payloads(domain_dir), municipality_slugs(catalogue_dir))


def as_text(message: str) -> str:
    """What Rasa reads as words: no leading `/` (Rasa strips whitespace before it looks)."""
    text = message.strip()
    while text.startswith(PREFIX):
        text = text[len(PREFIX) :].lstrip()
    return text


def guard(message: str, allow: AllowList) -> tuple[str, bool]:
    """The message to send to Rasa, and whether it is a payload the bot offers."""
    if not message.strip().startswith(PREFIX):
        return message, False
    payload = allow.allowed(message)
    if payload is not None:
        return payload.text, True
    return as_text(message), False
