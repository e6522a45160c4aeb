"""The first-reply door measure: how a reply is judged, and sets kept apart from training."""

from knowledge.crisis import LEXICON
from knowledge.crisis_sets import lexicon_phrases, training_texts
from stack.door_eval import SETS, Case, judge, load, meets_bars, phones
from tests.knowledge.test_crisis_sets import Index

NEED = Case("n", "need", "da", "hjemløs")
OUT = Case("o", "out_of_scope", "da", "hvornår tømmes skraldespanden")
CRISIS = Case("c", "crisis", "da", "...")


def service(**fields):
    base = {"phone": None, "via": None, "crisis": False, "front_door": False, "themes": []}
    return {**base, **fields}


def test_a_door_is_a_phone_of_its_own_or_through_the_front_door() -> None:
    via = service(via={"phone": "63 33 79 04"})
    assert phones({"services": [via, service(phone="112")]}) == ["63 33 79 04", "112"]
    assert judge(NEED, {"services": [via]})["door"]
    assert not judge(NEED, {"services": [service(phone="112")]})["door"]
    assert judge(CRISIS, {"services": [service(phone="112")]})["door"]
    assert not judge(NEED, {"services": [service(address="Torvet 1")]})["door"]


def test_out_of_scope_may_show_doors_for_meeting_the_municipality_only() -> None:
    door = service(phone="46 16 10 00", front_door=True, themes=["kontakt", "bolig"])
    assert judge(OUT, {"services": [door]})["out_of_scope_clean"]
    debt = service(phone="70 22 93 30", themes=["oekonomi"])
    assert not judge(OUT, {"services": [door, debt]})["out_of_scope_clean"]


def test_a_crisis_line_with_unknown_hours_is_counted() -> None:
    line = service(phone="70 201 201", crisis=True, opening="Ring og spørg, hvornår der er åbent.")
    assert judge(CRISIS, {"services": [line]})["crisis_hours_unknown"]


def test_the_bars_need_every_first_reply_at_a_door() -> None:
    figures = {"all": {"door": {"hits": 9, "n": 10}, "crisis_hours_unknown": {"hits": 0, "n": 10}}}
    assert not meets_bars({"figures": figures})
    figures["all"]["door"]["hits"] = 10
    assert meets_bars({"figures": figures})


def test_the_sets_are_there_and_copy_no_training_text() -> None:
    built = Index(training_texts() + lexicon_phrases(LEXICON))
    blind, dev = load(SETS["blind"]), load(SETS["dev"])
    assert len(blind) >= 100 and {c.kind for c in blind} == {"need", "crisis", "out_of_scope"}
    for name, cases in (("blind", blind), ("dev", dev)):
        # Only ids: a blind text shown in a test report is a blind text read.
        copies = [c.id for c in cases if built.near(c.text)]
        assert not copies, f"{name} cases copy training or lexicon text: {copies}"
    in_dev = Index([c.text for c in dev])
    assert not [c.id for c in blind if in_dev.near(c.text)]
