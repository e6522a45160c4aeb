"""The catalogs: every key has a text in every language, formats follow the language."""

import statistics
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from knowledge.catalogs import check, po_path, read
from knowledge.i18n import (
    UI_LANGUAGES,
    from_accept_language,
    group,
    plural,
    reply_language,
    text,
    ui_language,
)
from knowledge.schedule import Rule, Schedule, describe
from knowledge.text import lix

ROOT = Path(__file__).resolve().parents[2]


def test_the_keys_in_the_code_are_the_keys_in_the_template(tmp_path: Path) -> None:
    """`make catalogs-extract` run now finds the same keys the committed template has."""
    from knowledge.catalogs import TEMPLATE

    fresh = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    keywords = ["-k", "text", "-k", "plural:1,2", "-k", "N_", "-k", "t"]
    where = ["knowledge", "actions", "widgets"]
    options = ["-F", "locale/babel.cfg", *keywords, "--no-location", "-o", str(fresh)]
    subprocess.run([pybabel, "-q", "extract", *options, *where], check=True, cwd=ROOT)
    assert {m.id for m in read(fresh)} == {m.id for m in read(TEMPLATE)}


@pytest.mark.parametrize("language", UI_LANGUAGES)
def test_no_key_is_missing_or_fuzzy(language: str) -> None:
    assert check(language) == []


def test_danish_is_plain() -> None:
    danish = [m.string for m in read(po_path("da")) if m.id and isinstance(m.string, str)]
    long_enough = [t for t in danish if len(t.split()) >= 6]
    assert statistics.median(lix(t) for t in long_enough) <= 35


def test_a_language_we_have_no_words_for_reads_english_and_nordic_reads_danish() -> None:
    assert ui_language("uk-UA") == "uk"
    assert ui_language("pl") == "en"
    assert ui_language("nb") == "da"
    assert ui_language("") == "da"
    assert reply_language("ar") == "en"
    assert from_accept_language("pl;q=1, uk;q=0.8, en;q=0.5") == "uk"
    assert from_accept_language("xx, zz") == "da"


def test_texts_fields_and_plurals() -> None:
    assert text("card.phone", "en", phone="112") == "Phone 112"
    assert text("card.phone", "da", phone="112") == "Tlf. 112"
    assert plural("staff.found", "staff.found.plural", 1, "da") == "1 sted"
    assert plural("staff.found", "staff.found.plural", 1234, "da") == "1.234 steder"
    assert "widget.send" in group("widget.", "ar")


def test_opening_hours_are_written_the_way_each_language_writes_them() -> None:
    weekdays = ["MO", "TU", "WE", "TH", "FR"]
    office = Schedule(source="x", rules=[Rule(byday=weekdays, opens_at="09:00", closes_at="15:00")])
    friday_evening = datetime.fromisoformat("2026-11-27T17:00+01:00")
    assert describe(office, friday_evening, "da")[1] == "Lukket nu. Åbner mandag kl. 09.00"
    assert "Monday" in describe(office, friday_evening, "en")[1]
    assert "понеділок" in describe(office, friday_evening, "uk")[1]
    assert "الاثنين" in describe(office, friday_evening, "ar")[1]
