"""action_human_door and action_opening."""

from actions.doors import ActionDoorHint, ActionHumanDoor, ActionOpening
from tests.actions.conftest import payload, responses, run, texts, tracker


def test_a_human_for_the_current_theme_with_hours_and_open_now() -> None:
    given = tracker(
        "kan jeg tale med et menneske",
        "ask_human",
        slots={"kommune": "svendborg", "themes": ["misbrug"]},
    )
    messages, events = run(ActionHumanDoor(), given)
    data = payload(messages)
    handover = data["handover"]
    assert responses(messages)[0] == "utter_human"
    assert handover["phone"]
    assert handover["opening"]
    assert handover["open_now"] in (True, False, None)
    person = next(s for s in data["services"] if s["id"] == handover["service_id"])
    assert "misbrug" in person["themes"]
    assert person["kommune"] == "svendborg"
    assert events == []


def test_without_a_theme_the_front_door_is_the_human() -> None:
    given = tracker("et menneske tak", "ask_human", slots={"kommune": "norddjurs"})
    messages, _ = run(ActionHumanDoor(), given)
    assert payload(messages)["handover"]["phone"] == "89 59 10 00"


def test_opening_hours_of_what_was_shown() -> None:
    slots = {"kommune": "jammerbugt", "shown": ["jammerbugt-kommune"]}
    messages, _ = run(ActionOpening(), tracker("hvornår har de åbent", "ask_opening", slots=slots))
    assert responses(messages) == ["utter_opening"]
    assert "Jammerbugt" in texts(messages)


def test_after_a_greeting_the_front_door_in_one_message() -> None:
    messages, _ = run(ActionDoorHint(), tracker("hej", "greet", slots={"kommune": "svendborg"}))
    assert responses(messages) == ["utter_door_hint"]
    assert "Svendborg Kommune, omstilling og Borgerservice: tlf. 62 23 30 00" in texts(messages)


def test_not_knowing_the_municipality_every_front_door_is_listed() -> None:
    messages, _ = run(ActionDoorHint(), tracker("hej", "greet"))
    assert len(payload(messages)["services"]) == 5
    assert len(texts(messages).splitlines()) == 5


def test_without_a_theme_no_line_for_one_topic_is_offered() -> None:
    given = tracker("kan jeg tale med et menneske", "ask_human", slots={"kommune": "svendborg"})
    messages, _ = run(ActionHumanDoor(), given)
    ids = [s["id"] for s in payload(messages)["services"]]
    assert ids == ["svendborg-kommune"]
    assert "utter_human_closed" not in responses(messages)


def test_hours_we_do_not_know_are_not_called_closed() -> None:
    slots = {"kommune": "svendborg", "themes": ["vold"]}
    messages, _ = run(ActionHumanDoor(), tracker("et menneske", "ask_human", slots=slots))
    handover = payload(messages)["handover"]
    said = responses(messages)
    phones = [s["phone"] for s in payload(messages)["services"]]
    if handover["open_now"] is None:
        assert "utter_human_hours_unknown" in said and "utter_human_closed" not in said
    elif handover["open_now"] is False:
        assert "utter_human_closed" in said
    # Lev Uden Vold, day and night: the person itself, or the line beside one who is not open.
    assert "1888" in phones
