"""What the staff console shows, worked out apart from the routes: the staff's choices checked,
a search or a catalogue listing, one service in full and its printable card.

Everything here is plain Python over the Searcher and Catalogue (no web objects), so the routes
stay thin and these run in a worker thread: search is CPU-bound.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from actions.cards import first_sentence
from knowledge.catalogue import THEMES, Catalogue
from knowledge.schedule import WEEKDAYS, Schedule
from knowledge.search import Searcher
from knowledge.text import clean
from knowledge.texts import texts
from widgets.texts import ui_texts

MAX_RESULTS = 10
# Theme and open-now filters run after search and drop results, so search a wider pool first.
FILTER_POOL = 50
PASSAGES = 3
# An unknown value is echoed in the message; a long one would swamp the page.
ECHO_CHARS = 40
OFF = {"", "0", "false", "off", "nej"}


def staff_texts() -> dict[str, Any]:
    found: dict[str, Any] = ui_texts()["staff"]
    return found


def theme_labels() -> dict[str, str]:
    labels = texts()["themes"]
    return {slug: labels.get(slug, slug) for slug in THEMES}


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
    q: str, kommune: str, theme: str, open_now: str, catalogue: Catalogue, limit: int
) -> Choices:
    """Check the form; an unknown municipality or theme is an error (searching all instead would
    show another municipality's services), a blank or too long question only a note."""
    t = staff_texts()
    # The checkbox sends "1"; a hand-made link may say "true" or "0": read what it means.
    choices = Choices(open_now=open_now.strip().lower() not in OFF)
    slug = kommune.strip().lower()
    if slug in catalogue.municipalities:
        choices.kommune = slug
    elif slug:
        choices.errors["kommune"] = t["unknown_kommune"].format(value=_echo(kommune))
    topic = theme.strip().lower()
    if topic in THEMES:
        choices.theme = topic
    elif topic:
        choices.errors["theme"] = t["unknown_theme"].format(value=_echo(theme))
    choices.q = clean(q)
    if len(choices.q) > limit:
        choices.q = choices.q[:limit]
        choices.notes.append(t["too_long"].format(limit=limit))
    elif q and not choices.q:
        choices.notes.append(t["blank_query"])
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


def find(searcher: Searcher, choices: Choices, now: datetime) -> Found:
    """Search when there is a question; otherwise list the catalogue for the filters.

    Raises QueryError (its message is kind) for a question the searcher cannot take."""
    catalogue = searcher.catalogue
    if not choices.q:
        summaries = [
            catalogue.summary(s.id, now, choices.kommune)
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
    )
    services = [_with_line(s) for s in response.services if _keep(s, choices)][:MAX_RESULTS]
    passages = [r.source for r in response.results if r.kind == "policy" and r.source]
    return Found(services, passages, searched=True, weak=response.no_good_match)


def _with_line(summary: dict[str, Any]) -> dict[str, Any]:
    return summary | {"line": first_sentence(summary["description"] or "")}


def _clock(value: str) -> str:
    """'09:30' -> '9.30', the Danish way of writing a time."""
    hours, minutes = value.split(":")
    return f"{int(hours)}.{minutes}"


def _days(codes: list[str]) -> str:
    """Weekday codes as short Danish names, runs of three or more as "man.–fre."."""
    t = staff_texts()
    names = t["day_names"]
    picked = sorted({WEEKDAYS.index(c) for c in codes if c in WEEKDAYS})
    holiday = "PH" in codes
    if len(picked) == 7 and holiday:
        return str(t["all_days"])
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
            parts.extend(names[d] for d in run)
    if holiday:
        parts.append(t["holidays"])
    text = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} {t['and']} {parts[-1]}"
    return text[:1].upper() + text[1:]


def weekly_hours(schedule: Schedule | None) -> list[str]:
    """The weekly opening hours as lines ("Man.–fre.: 9.00–15.00"); stays true on paper, where
    "open now" would not."""
    if schedule is None:
        return []
    t = staff_texts()
    lines = []
    for rule in schedule.rules:
        if rule.opens_at == "00:00" and rule.closes_at == "24:00":
            hours = t["whole_day"]
        else:
            hours = f"{_clock(rule.opens_at)}–{_clock(rule.closes_at)}"
        lines.append(f"{_days(rule.byday)}: {hours}")
    if not any("PH" in rule.byday for rule in schedule.rules):
        lines.append(t["closed_holidays"])
    return lines


def detail(
    searcher: Searcher, service_id: str, kommune: str | None, now: datetime
) -> dict[str, Any] | None:
    """One service in full with the policy passages that fit it; None for an unknown id."""
    catalogue = searcher.catalogue
    if service_id not in catalogue.services:
        return None
    summary = catalogue.summary(service_id, now, kommune)
    home = summary["kommune"] or kommune
    response = searcher.search(
        f"{summary['name']} {summary['description']}", home, k=0, passages=PASSAGES, now=now
    )
    summary["passages"] = [r.source for r in response.results if r.source]
    summary["hours"] = weekly_hours(catalogue.shown[service_id].schedule)
    return summary


def card(
    catalogue: Catalogue, service_id: str, kommune: str | None, now: datetime
) -> dict[str, Any] | None:
    """What goes on the printed card: name, one line, phone, address, weekly hours, and the
    municipality's front door for when the service does not fit. None for an unknown id."""
    if service_id not in catalogue.services:
        return None
    summary = catalogue.summary(service_id, now, kommune)
    home = summary["kommune"] or kommune
    door = catalogue.front_door(home) if home else None
    shown = None
    # A service with no phone of its own already sends the citizen to the front door (via).
    if door is not None and door.id != service_id and summary["via"] is None:
        shown = catalogue.summary(door.id, now, home)
    return {
        "id": summary["id"],
        "name": summary["name"],
        "line": first_sentence(summary["description"] or ""),
        "phone": summary["phone"],
        "via": summary["via"],
        "address": summary["address"],
        "url": summary["url"],
        # Weekly hours, not "open now": the card is read later, on paper.
        "hours": weekly_hours(catalogue.shown[service_id].schedule) or [summary["opening"]],
        "door": shown,
    }
