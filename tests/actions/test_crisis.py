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
    assert responses(messages) == ["utter_crisis_stay"]
    assert data["crisis"] is True
    assert [s["id"] for s in data["services"]] == ["national-112", "national-livslinien"]
    assert events == [SlotSet("crisis", True), SlotSet("crisis_kind", "suicide")]


def test_a_crisis_only_the_classifier_saw_gets_the_general_lines() -> None:
    messages, events = run(ActionCrisis(), tracker("det hele er sort nu", "crisis"))
    ids = [s["id"] for s in payload(messages)["services"]]
    assert ids == ["national-112", "national-livslinien", "national-lev-uden-vold-1888"]
    assert events == [SlotSet("crisis", True), SlotSet("crisis_kind", None)]
