"""What the staff console shows, worked out apart from the routes: the staff's choices checked,
a search or a catalogue listing, one service in full and its printable card.

Everything here is plain Python over the Searcher and Catalogue (no web objects), so the routes
stay thin and these run in a worker thread: search is CPU-bound.
"""

from dataclasses import dataclass, field
from datetime import datetime
from datetime import time as dt_time
from typing import Any

from babel.dates import format_time, get_day_names
from babel.lists import format_list

from actions.cards import first_sentence
from knowledge.catalogue import THEMES, Catalogue, theme_label
from knowledge.i18n import N_, locale, text
from knowledge.schedule import WEEKDAYS, Schedule
from knowledge.search import Searcher
from knowledge.text import clean

MAX_RESULTS = 10
# Theme and open-now filters run after search and drop results, so search a wider pool first.
FILTER_POOL = 50
PASSAGES = 3
# An unknown value is echoed in the message; a long one would swamp the page.
ECHO_CHARS = 40
OFF = {"", "0", "false", "off", "nej"}


def theme_labels(language: str = "da") -> dict[str, str]:
    return {slug: theme_label(slug, language) for slug in THEMES}


def municipality_names(catalogue: Catalogue) -> dict[str, str]:
    return {slug: m.name for slug, m in sorted(catalogue.municipalities.items())}


@dataclass
class Choices:
    """The search form as checked: what to search and filter by, and what to tell the staff."""

    q: str = ""
    kommune: str | None = None
    theme: str | None = None
    open_now: bool = False
    errors: dict[str, str] = field(default_factory=dict)  # form field -> message
    notes: list[str] = field(default_factory=list)


def _echo(value: str) -> str:
    value = clean(value)
    return value if len(value) <= ECHO_CHARS else value[:ECHO_CHARS] + " …"


def check_choices(
    q: str,
    kommune: str,
    theme: str,
    open_now: str,
    catalogue: Catalogue,
    limit: int,
    language: str = "da",
) -> Choices:
    """Check the form; an unknown municipality or theme is an error (searching all instead would
    show another municipality's services), a blank or too long question only a note."""
    # The checkbox sends "1"; a hand-made link may say "true" or "0": read what it means.
    choices = Choices(open_now=open_now.strip().lower() not in OFF)
    slug = kommune.strip().lower()
    if slug in catalogue.municipalities:
        choices.kommune = slug
    elif slug:
        choices.errors["kommune"] = text(
            N_("staff.unknown_kommune"), language, value=_echo(kommune)
        )
    topic = theme.strip().lower()
    if topic in THEMES:
        choices.theme = topic
    elif topic:
        choices.errors["theme"] = text(N_("staff.unknown_theme"), language, value=_echo(theme))
    choices.q = clean(q)
    if len(choices.q) > limit:
        choices.q = choices.q[:limit]
        choices.notes.append(text(N_("staff.too_long"), language, limit=limit))
    elif q and not choices.q:
        choices.notes.append(text(N_("staff.blank_query"), language))
    return choices


@dataclass
class Found:
    services: list[dict[str, Any]] = field(default_factory=list)
    passages: list[dict[str, Any]] = field(default_factory=list)
    searched: bool = False
    weak: bool = False


def _keep(summary: dict[str, Any], choices: Choices) -> bool:
    if choices.theme is not None and choices.theme not in summary["themes"]:
        return False
    return not choices.open_now or summary["open_now"] is True


def find(searcher: Searcher, choices: Choices, now: datetime, language: str = "da") -> Found:
    """Search when there is a question; otherwise list the catalogue for the filters.

    Raises QueryError (its message is kind) for a question the searcher cannot take."""
    catalogue = searcher.catalogue
    if not choices.q:
        summaries = [
            catalogue.summary(s.id, now, choices.kommune, language)
            for s in catalogue.for_kommune(choices.kommune)
        ]
        kept = [_with_line(s) for s in summaries if catalogue.reachable(s) and _keep(s, choices)]
        # The staff's own municipality first, then national services, each by name.
        kept.sort(key=lambda s: (s["kommune"] is None, s["kommune"] or "", s["name"].lower()))
        return Found(services=kept)
    filtering = choices.theme is not None or choices.open_now
    response = searcher.search(
        choices.q,
        choices.kommune,
        k=FILTER_POOL if filtering else MAX_RESULTS,
        passages=PASSAGES,
        now=now,
        language=language,
    )
    services = [_with_line(s) for s in response.services if _keep(s, choices)][:MAX_RESULTS]
    passages = [r.source for r in response.results if r.kind == "policy" and r.source]
    return Found(services, passages, searched=True, weak=response.no_good_match)


def _with_line(summary: dict[str, Any]) -> dict[str, Any]:
    return summary | {"line": first_sentence(summary["description"] or "")}


def _clock(value: str, language: str) -> str:
    """'09:30' as the language writes a time ('09.30', '09:30'); '24:00' as the day's end."""
    if value == "24:00":
        return text(N_("opening.midnight"), language)
    hours, minutes = value.split(":")
    return str(format_time(dt_time(int(hours), int(minutes)), "short", locale=locale(language)))


def _days(codes: list[str], language: str) -> str:
    """Weekday codes as short names, runs of three or more as "man.–fre."."""
    names = get_day_names("abbreviated", locale=locale(language))
    picked = sorted({WEEKDAYS.index(c) for c in codes if c in WEEKDAYS})
    holiday = "PH" in codes
    if len(picked) == 7 and holiday:
        return text(N_("staff.all_days"), language)
    runs: list[list[int]] = []
    for day in picked:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{names[run[0]]}–{names[run[-1]]}")
        else:
            parts.extend(str(names[d]) for d in run)
    if holiday:
        parts.append(text(N_("staff.holidays"), language))
    said = str(format_list(parts, locale=locale(language)))
    return said[:1].upper() + said[1:]


def weekly_hours(schedule: Schedule | None, language: str = "da") -> list[str]:
    """The weekly opening hours as lines ("Man.–fre.: 09.00–15.00"); stays true on paper, where
    "open now" would not."""
    if schedule is None:
        return []
    lines = []
    for rule in schedule.rules:
        if rule.opens_at == "00:00" and rule.closes_at == "24:00":
            hours = text(N_("staff.whole_day"), language)
        else:
            hours = f"{_clock(rule.opens_at, language)}–{_clock(rule.closes_at, language)}"
        lines.append(f"{_days(rule.byday, language)}: {hours}")
    if not any("PH" in rule.byday for rule in schedule.rules):
        lines.append(text(N_("staff.closed_holidays"), language))
    return lines


def detail(
    searcher: Searcher, service_id: str, kommune: str | None, now: datetime, language: str = "da"
) -> dict[str, Any] | None:
    """One service in full with the policy passages that fit it; None for an unknown id."""
    catalogue = searcher.catalogue
    if service_id not in catalogue.services:
        return None
    summary = catalogue.summary(service_id, now, kommune, language)
    home = summary["kommune"] or kommune
    # The policies are Danish: search them with the service's Danish words.
    words = f"{summary['name']} {catalogue.services[service_id].description}"
    response = searcher.search(words, home, k=0, passages=PASSAGES, now=now)
    summary["passages"] = [r.source for r in response.results if r.source]
    summary["hours"] = weekly_hours(catalogue.shown[service_id].schedule, language)
    return summary


def card(
    catalogue: Catalogue,
    service_id: str,
    kommune: str | None,
    now: datetime,
    language: str = "da",
) -> dict[str, Any] | None:
    """What goes on the printed card: name, one line, phone, address, weekly hours, and the
    municipality's front door for when the service does not fit. None for an unknown id."""
    if service_id not in catalogue.services:
        return None
    summary = catalogue.summary(service_id, now, kommune, language)
    home = summary["kommune"] or kommune
    door = catalogue.front_door(home) if home else None
    shown = None
    # A service with no phone of its own already sends the citizen to the front door (via).
    if door is not None and door.id != service_id and summary["via"] is None:
        shown = catalogue.summary(door.id, now, home, language)
    return {
        "id": summary["id"],
        "name": summary["name"],
        "line": first_sentence(summary["description"] or ""),
        "phone": summary["phone"],
        "via": summary["via"],
        "address": summary["address"],
        "url": summary["url"],
        # Weekly hours, not "open now": the card is read later, on paper.
        "hours": weekly_hours(catalogue.shown[service_id].schedule, language)
        or [summary["opening"]],
        "door": shown,
    }
