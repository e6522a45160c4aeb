"""Opening hours: weekly rules (RFC 5545 style), open now and the next opening, in Danish time.

A rule applies on the weekdays in `byday`; on a Danish public holiday only rules that list "PH"
apply. `closes_at` before `opens_at` runs past midnight, and "24:00" is the end of the day.
"""

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from babel.dates import format_skeleton, format_time, get_day_names
from pydantic import BaseModel, ConfigDict, Field, field_validator

from knowledge.i18n import locale, text

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_CODES = (*WEEKDAYS, "PH")
HORIZON_DAYS = 14


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    byday: list[str] = Field(min_length=1)
    opens_at: str
    closes_at: str

    @field_validator("byday")
    @classmethod
    def _known_days(cls, days: list[str]) -> list[str]:
        bad = [d for d in days if d not in DAY_CODES]
        if bad:
            raise ValueError(f"unknown day code(s) {bad}; use {' '.join(DAY_CODES)}")
        return days

    @field_validator("opens_at", "closes_at")
    @classmethod
    def _clock(cls, value: str) -> str:
        parse_clock(value)
        return value


class Schedule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str  # the verified fact whose hours these rules encode
    rules: list[Rule] = Field(min_length=1)
    valid_from: date | None = None
    valid_to: date | None = None


def parse_clock(value: str) -> timedelta:
    """'09:30' -> 9 h 30 min; '24:00' is allowed as the end of a day."""
    try:
        hours, minutes = (int(part) for part in value.split(":"))
    except ValueError as exc:
        raise ValueError(f"time {value!r} is not HH:MM") from exc
    if not (0 <= hours <= 24 and 0 <= minutes < 60) or (hours == 24 and minutes):
        raise ValueError(f"time {value!r} is not a clock time")
    return timedelta(hours=hours, minutes=minutes)


@lru_cache(maxsize=8)
def _holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("DK", years=year)


def _applies(rule: Rule, day: date, schedule: Schedule) -> bool:
    if schedule.valid_from and day < schedule.valid_from:
        return False
    if schedule.valid_to and day > schedule.valid_to:
        return False
    if day in _holidays(day.year):
        return "PH" in rule.byday
    return WEEKDAYS[day.weekday()] in rule.byday


def intervals(schedule: Schedule, start: date, days: int) -> list[tuple[datetime, datetime]]:
    """Opening intervals (naive local time) from the day before `start`, merged where they touch."""
    spans: list[tuple[datetime, datetime]] = []
    for offset in range(-1, days):
        day = start + timedelta(days=offset)
        midnight = datetime.combine(day, time())
        for rule in schedule.rules:
            if not _applies(rule, day, schedule):
                continue
            opens, closes = parse_clock(rule.opens_at), parse_clock(rule.closes_at)
            if closes <= opens:
                closes += timedelta(days=1)
            spans.append((midnight + opens, midnight + closes))
    spans.sort()
    merged: list[tuple[datetime, datetime]] = []
    for begin, end in spans:
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((begin, end))
    return merged


def status(
    schedule: Schedule, now: datetime, tz: str = "Europe/Copenhagen"
) -> tuple[bool, datetime | None, datetime | None]:
    """(open now, closes at, next opening) in local time; times are None when not within reach."""
    local = now.astimezone(ZoneInfo(tz)).replace(tzinfo=None)
    for begin, end in intervals(schedule, local.date(), HORIZON_DAYS):
        if begin <= local < end:
            closes = end if end < local + timedelta(days=HORIZON_DAYS - 1) else None
            return True, closes, None
        if begin > local:
            return False, None, begin
    return False, None, None


def describe(
    schedule: Schedule | None,
    now: datetime,
    language: str = "da",
    tz: str = "Europe/Copenhagen",
) -> tuple[bool | None, str]:
    """(open now or None when unknown, a short sentence such as "Åbent nu til kl. 15.00"), with
    times and days written the way `language` writes them (babel)."""
    if schedule is None:
        return None, text("opening.unknown", language)
    is_open, closes, opens = status(schedule, now, tz)
    today = now.astimezone(ZoneInfo(tz)).date()
    where = locale(language)

    def clock(moment: datetime) -> str:
        if moment.time() == time():  # an interval ending at midnight closes "kl. 24.00"
            return text("opening.midnight", language)
        return str(format_time(moment.time(), "short", locale=where))

    def day_name(moment: datetime) -> str:
        weekday = str(get_day_names("wide", locale=where)[moment.weekday()])
        if (moment.date() - today).days > 6:  # a bare weekday would be read as this week's
            day = str(format_skeleton("MMMMd", moment.date(), locale=where))
            return text("opening.weekday_date", language, weekday=weekday, date=day)
        return weekday

    if is_open and closes is None:
        return True, text("opening.always_open", language)
    if is_open and closes is not None:
        closing_day = closes - timedelta(days=1) if closes.time() == time() else closes
        if closing_day.date() == today:
            return True, text("opening.open_until", language, time=clock(closes))
        return True, text(
            "opening.open_until_day", language, day=day_name(closing_day), time=clock(closes)
        )
    if opens is None:
        return False, text("opening.closed", language)
    if opens.date() == today:
        return False, text("opening.opens_today", language, time=clock(opens))
    if opens.date() == today + timedelta(days=1):
        return False, text("opening.opens_tomorrow", language, time=clock(opens))
    return False, text("opening.opens_day", language, day=day_name(opens), time=clock(opens))
