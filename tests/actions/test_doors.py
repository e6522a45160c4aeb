"""action_human_door and action_opening."""

from actions import knowledge_access
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
    services = payload(messages)["services"]
    assert services[0]["id"] == "svendborg-kommune"
    # Its hours are not known: beside it, at most the region's out-of-hours number while that
    # is open (evenings and weekends), never a line for one topic.
    for extra in services[1:]:
        facts = knowledge_access.catalogue().services[extra["id"]].facts
        assert extra["open_now"] and "reg-syd-laegevagt" in facts, extra["id"]
    assert "utter_human_closed" not in responses(messages)


def test_a_door_not_known_to_be_open_is_followed_by_one_open_now(monkeypatch) -> None:
    from datetime import datetime

    from actions import doors

    # Saturday 23:00 in Jammerbugt: the front door's hours are not known, the region's
    # out-of-hours number is open all weekend.
    night = datetime.fromisoformat("2026-11-28T23:00+01:00")
    catalogue = type(doors.kb.catalogue())
    monkeypatch.setattr(catalogue, "summary", _at(catalogue.summary, night))
    found = doors.open_now_instead(None, "jammerbugt")
    assert [s["phone"] for s in found] == ["70 15 03 00"]
    assert found[0]["open_now"] is True
    # A theme with a line open day and night gets that line instead.
    assert [s["phone"] for s in doors.open_now_instead("vold", "jammerbugt")] == ["1888"]


def _at(summary, moment):
    def at(self, service_id, now=None, asker=None, language="da"):
        return summary(self, service_id, moment, asker, language)

    return at
