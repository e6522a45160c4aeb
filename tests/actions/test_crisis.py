"""action_crisis: after Rasa's utter_crisis, the lines as data and staying with the person."""

from rasa_sdk.events import SlotSet

from actions.crisis import ActionCrisis
from tests.actions.conftest import payload, responses, run, tracker


def test_the_lines_for_the_kind_of_crisis_are_sent_as_data() -> None:
    given = tracker(
        "jeg vil ikke leve mere",
        "crisis",
        entities=[{"entity": "crisis_kind", "value": "suicide"}],
        slots={"kommune": "faxe"},
    )
    messages, events = run(ActionCrisis(), given)
    data = payload(messages)
    assert responses(messages)[-1] == "utter_crisis_stay"
    assert data["crisis"] is True
    assert [s["id"] for s in data["services"]][:2] == ["national-112", "national-livslinien"]
    assert events[:2] == [SlotSet("crisis", True), SlotSet("crisis_kind", "suicide")]


def test_after_the_lines_the_need_in_the_same_message_is_answered() -> None:
    given = tracker(
        "jeg er blevet sat ud af min lejlighed og nu har jeg taget alle mine piller",
        "crisis",
        entities=[{"entity": "crisis_kind", "value": "overdose"}],
        slots={"kommune": "svendborg"},
    )
    messages, events = run(ActionCrisis(), given)
    data = payload(messages)
    ids = [s["id"] for s in data["services"]]
    assert ids[0] == "national-112"
    assert "bolig" in data["themes"]
    assert any("bolig" in s["themes"] for s in data["services"][1:])
    assert SlotSet("crisis_kind", "overdose") in events


def test_a_crisis_only_the_classifier_saw_gets_the_general_lines() -> None:
    given = tracker(
        "blå bananer flyver", "crisis", ranking=[("crisis", 0.9), ("out_of_scope", 0.1)]
    )
    messages, events = run(ActionCrisis(), given)
    ids = [s["id"] for s in payload(messages)["services"]]
    assert ids == ["national-112", "national-livslinien", "national-lev-uden-vold-1888"]
    assert events == [SlotSet("crisis", True), SlotSet("crisis_kind", None)]


def test_when_only_the_classifier_saw_a_crisis_the_need_is_answered_too() -> None:
    given = tracker(
        "ludomani hjælp",
        "crisis",
        ranking=[("crisis", 0.98), ("need_misbrug", 0.02)],
        slots={"kommune": "svendborg"},
    )
    messages, events = run(ActionCrisis(), given)
    data = payload(messages)
    ids = [s["id"] for s in data["services"]]
    assert ids[:3] == ["national-112", "national-livslinien", "national-lev-uden-vold-1888"]
    assert any("misbrug" in s["themes"] for s in data["services"][3:])
    assert data["crisis"] is True and data["themes"] == ["misbrug"]
    assert responses(messages)[0] == "utter_heard"
    assert SlotSet("themes", ["misbrug"]) in events


def test_a_crisis_in_another_language_still_gets_the_help_for_its_need() -> None:
    # The classifier knows Danish and English only: in Ukrainian the multilingual search reads
    # the need, as action_guide does, and the interpreter is offered after the lines.
    given = tracker(
        "Я хочу покінчити з собою, бо мене виселили з квартири і мені нема де спати",
        "crisis",
        entities=[{"entity": "crisis_kind", "value": "suicide"}],
        slots={"kommune": "svendborg", "language": "en", "user_language": "uk"},
    )
    messages, _ = run(ActionCrisis(), given)
    data = payload(messages)
    assert [s["id"] for s in data["services"]][:2] == ["national-112", "national-livslinien"]
    assert "bolig" in data["themes"]
    assert any("bolig" in s["themes"] for s in data["services"][2:])
    assert "utter_interpreter_uk" in responses(messages)
