import re
import shutil
import statistics
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from knowledge.catalogue import THEMES, Catalogue, load_catalogue
from knowledge.errors import KnowledgeError
from knowledge.facts import digits, load_facts
from knowledge.settings import KnowledgeSettings
from knowledge.text import lix

SETTINGS = KnowledgeSettings()
NOW = datetime.fromisoformat("2026-11-23T10:00+01:00")


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(SETTINGS.catalogue_dir, SETTINGS.facts_dir)


def test_every_shown_contact_fact_is_verified(catalogue: Catalogue) -> None:
    """What a citizen sees (phone, address, url, e-mail, hours) comes from a verified fact."""
    facts = load_facts(SETTINGS.facts_dir)
    for service_id in catalogue.services:
        summary = catalogue.summary(service_id, NOW)
        for phone in summary["phones"]:
            assert any(
                f.is_verified("phone")
                and digits(f.values.get("phone", "")) == digits(phone["number"])
                for f in facts.facts.values()
            ), (service_id, phone)
        for field in ("address", "url", "email"):
            value = summary[field]
            if value:
                assert any(
                    f.is_verified(field) and value in f.values.get(field, "")
                    for f in facts.facts.values()
                ), (service_id, field, value)
        shown = catalogue.shown[service_id]
        if shown.schedule:
            assert facts.facts[shown.schedule.source].is_verified("hours")


def test_numbers_that_must_never_be_shown(catalogue: Catalogue) -> None:
    """1813 is Region Hovedstaden's; 70 20 30 82 is LOKK's old line, replaced by 1888."""
    shown = {
        digits(p["number"]) for s in catalogue.services for p in catalogue.summary(s, NOW)["phones"]
    }
    assert not shown & {"1813", "70203082", "33174122"}
    assert "166111" not in shown  # a misprint of BørneTelefonen's 116 111


def test_unverified_facts_are_hidden_and_listed(catalogue: Catalogue) -> None:
    for item in catalogue.unverified:
        summary = catalogue.summary(item.service, NOW)
        shown_values = [p["number"] for p in summary["phones"]] + [
            summary["address"], summary["url"], summary["email"],
        ]  # fmt: skip
        assert item.value not in shown_values


def test_each_municipality_has_one_front_door_and_every_theme(catalogue: Catalogue) -> None:
    for slug in catalogue.municipalities:
        door = catalogue.front_door(slug)
        assert door is not None and door.kommune == slug
        summary = catalogue.summary(door.id, NOW)
        assert summary["phone"], f"the front door of {slug} has no checked phone"
        assert not catalogue.themes_without_phone(slug)
        covered = {t for s in catalogue.for_kommune(slug) for t in s.themes}
        assert covered == set(THEMES)


def test_service_without_phone_routes_to_front_door(catalogue: Catalogue) -> None:
    for service in catalogue.services.values():
        summary = catalogue.summary(service.id, NOW)
        if service.kommune and not summary["phone"] and not service.front_door:
            assert summary["via"]["id"] == catalogue.front_door(service.kommune).id


def test_national_service_without_phone_routes_to_the_askers_front_door(
    catalogue: Catalogue,
) -> None:
    sind = catalogue.summary("national-sind", NOW, asker="norddjurs")
    assert sind["phone"] is None  # its number is not verified yet
    assert sind["via"]["phone"] == "89 59 10 00"
    assert catalogue.summary("national-sind", NOW)["via"] is None


def test_crisis_lines_are_national_and_reachable(catalogue: Catalogue) -> None:
    crisis = [catalogue.summary(s.id, NOW) for s in catalogue.services.values() if s.crisis]
    numbers = {digits(c["phone"] or "") for c in crisis}
    assert {"112", "70201201", "1888"} <= numbers


def test_no_crisis_line_is_shown_with_unknown_hours(catalogue: Catalogue) -> None:
    """112 is open day and night; a crisis line with unchecked hours says what to do if nobody
    answers, never "ask when it is open"."""
    unknown = catalogue.summary("national-sind", NOW)["opening"]
    for language in ("da", "en", "uk", "ar"):
        alarm = catalogue.summary("national-112", NOW, language=language)
        assert alarm["open_now"] is True
        assert catalogue.always_open("national-112")
        for service in catalogue.services.values():
            if service.crisis:
                opening = catalogue.summary(service.id, NOW, language=language)["opening"]
                assert (
                    opening != catalogue.summary("national-sind", NOW, language=language)["opening"]
                ), service.id
    assert unknown == "Ring og spørg, hvornår der er åbent."
    assert "112" in catalogue.summary("national-livslinien", NOW)["opening"]


def _copy_data(tmp_path: Path) -> Path:
    target = tmp_path / "catalogue"
    shutil.copytree(SETTINGS.catalogue_dir, target)
    return target


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data["services"])
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_wrong_type_names_file_record_and_field(tmp_path: Path) -> None:
    folder = _copy_data(tmp_path)

    def break_it(services: list) -> None:
        services[0]["anonymous"] = "måske"
        services[1]["themes"] = ["hjemloeshed"]

    _edit(folder / "faxe.yml", break_it)
    with pytest.raises(KnowledgeError) as caught:
        load_catalogue(folder, SETTINGS.facts_dir)
    message = str(caught.value)
    first, second = yaml.safe_load((folder / "faxe.yml").read_text())["services"][:2]
    assert f"faxe.yml: record '{first['id']}': field 'anonymous'" in message
    assert f"faxe.yml: record '{second['id']}': field 'themes.0'" in message


def test_a_number_from_memory_stops_the_build(tmp_path: Path) -> None:
    folder = _copy_data(tmp_path)

    def invent(services: list) -> None:
        services[0]["phones"] = [{"number": "12 34 56 78", "type": "voice"}]

    _edit(folder / "nyborg.yml", invent)
    with pytest.raises(KnowledgeError, match=re.escape("'12 34 56 78' is in none of its facts")):
        load_catalogue(folder, SETTINGS.facts_dir)


def test_not_yaml_is_a_clear_error(tmp_path: Path) -> None:
    folder = _copy_data(tmp_path)
    (folder / "faxe.yml").write_text("services: [unclosed", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"faxe\.yml: cannot read YAML"):
        load_catalogue(folder, SETTINGS.facts_dir)


def test_citizen_text_is_plain_danish(catalogue: Catalogue) -> None:
    """A record's text for citizens (description, who, how) reads easily: LIX <= 35 each.

    LIX is measured over a record's running text: a lone short sentence says little.
    """
    scores = {
        s.id: lix(" ".join(t for t in (s.description, s.eligibility, s.how_to_access) if t))
        for s in catalogue.services.values()
    }
    assert statistics.median(scores.values()) <= 30
    assert {k: v for k, v in scores.items() if v > 35} == {}
