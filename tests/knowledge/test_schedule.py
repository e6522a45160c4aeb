from datetime import date, datetime

import pytest
from pydantic import ValidationError

from knowledge.schedule import Rule, Schedule, describe

WEEKDAYS = ["MO", "TU", "WE", "TH", "FR"]
OFFICE = Schedule(source="x", rules=[Rule(byday=WEEKDAYS, opens_at="09:00", closes_at="15:00")])
OUT_OF_HOURS = Schedule(
    source="x",
    rules=[
        Rule(byday=WEEKDAYS, opens_at="16:00", closes_at="08:00"),
        Rule(byday=["SA", "SU", "PH"], opens_at="00:00", closes_at="24:00"),
    ],
)
ALWAYS = Schedule(
    source="x",
    rules=[Rule(byday=[*WEEKDAYS, "SA", "SU", "PH"], opens_at="00:00", closes_at="24:00")],
)


def at(stamp: str) -> datetime:
    """Copenhagen local time (winter: UTC+1)."""
    return datetime.fromisoformat(stamp + "+01:00")


@pytest.mark.parametrize(
    ("schedule", "moment", "expected"),
    [
        (OFFICE, "2026-11-23T10:00", (True, "Åbent nu til kl. 15.00")),  # Monday
        (OFFICE, "2026-11-23T08:00", (False, "Lukket nu. Åbner i dag kl. 09.00")),
        (OFFICE, "2026-11-23T16:00", (False, "Lukket nu. Åbner i morgen kl. 09.00")),
        (OFFICE, "2026-11-27T16:00", (False, "Lukket nu. Åbner mandag kl. 09.00")),  # Friday
        # Christmas: the 25th and 26th are public holidays, the 27th a Sunday.
        (OFFICE, "2026-12-24T16:00", (False, "Lukket nu. Åbner mandag kl. 09.00")),
        (OUT_OF_HOURS, "2026-11-23T10:00", (False, "Lukket nu. Åbner i dag kl. 16.00")),
        (OUT_OF_HOURS, "2026-11-23T17:00", (True, "Åbent nu til tirsdag kl. 08.00")),
        (OUT_OF_HOURS, "2026-11-27T17:00", (True, "Åbent nu til søndag kl. 24.00")),
        (OUT_OF_HOURS, "2026-12-25T10:00", (True, "Åbent nu til søndag kl. 24.00")),  # holiday
        (ALWAYS, "2026-11-23T03:00", (True, "Åbent hele døgnet")),
    ],
)
def test_open_now_and_next_opening(schedule: Schedule, moment: str, expected: tuple) -> None:
    assert describe(schedule, at(moment)) == expected


def test_summer_time_is_copenhagen_time() -> None:
    # 07:30 UTC in June is 09:30 in Copenhagen (UTC+2): open.
    assert describe(OFFICE, datetime.fromisoformat("2026-06-15T07:30+00:00"))[0] is True


def test_unknown_hours_say_so_kindly() -> None:
    assert describe(None, at("2026-11-23T10:00")) == (None, "Ring og spørg, hvornår der er åbent.")


def test_valid_from_and_valid_to_are_respected() -> None:
    later = OFFICE.model_copy(update={"valid_from": date(2026, 12, 1)})
    assert describe(later, at("2026-11-23T10:00")) == (
        False, "Lukket nu. Åbner tirsdag den 1. december kl. 09.00",
    )  # fmt: skip
    ended = OFFICE.model_copy(update={"valid_to": date(2026, 11, 1)})
    assert describe(ended, at("2026-11-23T10:00")) == (False, "Lukket i den næste tid.")


@pytest.mark.parametrize(
    "rule",
    [
        {"byday": ["XX"], "opens_at": "09:00", "closes_at": "15:00"},
        {"byday": ["MO"], "opens_at": "9", "closes_at": "15:00"},
        {"byday": ["MO"], "opens_at": "25:00", "closes_at": "15:00"},
        {"byday": [], "opens_at": "09:00", "closes_at": "15:00"},
    ],
)
def test_bad_rules_are_refused(rule: dict) -> None:
    with pytest.raises(ValidationError):
        Rule.model_validate(rule)
