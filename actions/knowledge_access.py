"""The knowledge base as the actions use it: one searcher per process, loaded on first use.

While the index is missing or broken, searching raises KnowledgeError, but the catalogue (plain
data beside the index) is still read, so every reply still ends at a human door.
"""

from datetime import datetime
from functools import lru_cache
from typing import Any

from rasa_sdk import Tracker

from actions.cards import has_door
from knowledge.catalogue import Catalogue, load_catalogue
from knowledge.catalogue import theme_label as catalogue_theme_label
from knowledge.errors import KnowledgeError
from knowledge.search import Searcher, get_searcher
from knowledge.settings import get_settings
from knowledge.text import fold


def searcher() -> Searcher:
    return get_searcher()


def catalogue() -> Catalogue:
    try:
        return searcher().catalogue
    except KnowledgeError:
        return catalogue_alone()


@lru_cache(maxsize=1)
def catalogue_alone() -> Catalogue:
    """The catalogue without the index, for the doors while the index cannot be loaded."""
    settings = get_settings()
    return load_catalogue(settings.catalogue_dir, settings.facts_dir)


def known_kommune(value: object) -> str | None:
    slug = str(value or "").strip().lower()
    return slug if slug in catalogue().municipalities else None


def current_kommune(tracker: Tracker) -> str | None:
    """The municipality from the slot, else the one the channel sent with the messages (the
    widget on faxe.dk sends metadata {"kommune": "faxe"}), latest first."""
    slot = known_kommune(tracker.get_slot("kommune"))
    if slot:
        return slot
    messages = [tracker.latest_message or {}] + [
        e for e in reversed(tracker.events) if e.get("event") == "user"
    ]
    for message in messages:
        metadata = message.get("metadata")
        if isinstance(metadata, dict) and known_kommune(metadata.get("kommune")):
            return known_kommune(metadata.get("kommune"))
    return None


def kommune_in_text(message: str) -> str | None:
    """A municipality or one of its towns named in the message ("bor i grenaa" -> norddjurs)."""
    words = f" {fold(message)} "
    for slug, municipality in catalogue().municipalities.items():
        base = municipality.name.removesuffix(" Kommune")
        for name in (slug, base, *municipality.towns):
            if f" {fold(name)} " in words:
                return slug
    return None


def front_door(
    kommune: str | None, now: datetime | None = None, language: str = "da"
) -> dict[str, Any] | None:
    cat = catalogue()
    door = cat.front_door(kommune) if kommune else None
    return cat.summary(door.id, now, kommune, language) if door else None


def all_front_doors(now: datetime | None = None, language: str = "da") -> list[dict[str, Any]]:
    doors = (front_door(slug, now, language) for slug in sorted(catalogue().municipalities))
    return [d for d in doors if d is not None]


def national_doors(
    themes: list[str], now: datetime | None = None, language: str = "da"
) -> list[dict[str, Any]]:
    """National services with a phone or address, not crisis lines: those of `themes` first,
    then those for meeting the system (kontakt: advice on rights and complaints)."""
    cat = catalogue()
    found = (
        cat.summary(s.id, now, None, language) for s in cat.for_kommune(None) if s.kommune is None
    )
    doors = [s for s in found if has_door(s) and not s["crisis"]]
    fits = [s for s in doors if set(themes) & set(s["themes"])]
    general = [s for s in doors if "kontakt" in s["themes"] and s not in fits]
    return fits + general


def summary(
    service_id: str, kommune: str | None, now: datetime | None = None, language: str = "da"
) -> dict[str, Any]:
    return catalogue().summary(service_id, now, kommune, language)


def theme_label(theme: str, language: str = "da") -> str:
    """A theme's name inside a sentence ("bolig og hjemløshed")."""
    label = catalogue_theme_label(theme, language)
    return label[:1].lower() + label[1:]


def pick_services(
    found: list[dict[str, Any]],
    theme: str | None,
    kommune: str | None,
    limit: int,
    skip: set[str] | frozenset[str] = frozenset(),
) -> list[dict[str, Any]]:
    """Up to `limit` reachable services of `theme` from search results, own municipality first,
    national after; a person without a known municipality sees national ones only."""
    chosen = [
        s
        for s in found
        if s["id"] not in skip
        and (theme is None or theme in s["themes"])
        and (s["kommune"] == kommune or s["kommune"] is None)
        and not s["front_door"]
    ]
    # Own municipality first, then national; within each, those with a phone or address first.
    chosen.sort(key=lambda s: (s["kommune"] is None, not has_door(s)))
    return chosen[:limit]
