"""action_guide and action_more, run on trackers as Rasa sends them."""

from rasa_sdk.events import SlotSet

from actions.guidance import ActionGuide, ActionMore
from tests.actions.conftest import payload, responses, run, texts, tracker


def test_a_need_without_a_municipality_asks_for_it_once() -> None:
    text = "jeg har ingen steder at sove i nat"
    messages, events = run(ActionGuide(), tracker(text, "need_bolig"))
    assert responses(messages) == ["utter_call_now", "utter_ask_kommune"]
    assert events == [
        SlotSet("pending", text),
        SlotSet("themes", ["bolig"]),
        SlotSet("kommune_asked", True),
    ]
    data = payload(messages)
    assert data["themes"] == ["bolig"]
    # A door to phone now, before the question: national, with a checked number.
    assert len(data["services"]) == 1
    assert data["services"][0]["kommune"] is None and data["services"][0]["phone"]


def test_without_a_municipality_the_door_fits_the_need_where_a_national_line_does() -> None:
    messages, _ = run(ActionGuide(), tracker("jeg drikker alt for meget", "need_misbrug"))
    door = payload(messages)["services"][0]
    assert door["id"] == "national-alkolinjen" and door["phone"] == "80 200 500"


def test_the_answer_to_the_question_shows_services_for_the_pending_need() -> None:
    slots = {"pending": "jeg har ingen steder at sove", "themes": ["bolig"], "kommune_asked": True}
    given = tracker(
        '/inform_kommune{"kommune": "svendborg"}',
        "inform_kommune",
        slots=slots,
        entities=[{"entity": "kommune", "value": "svendborg"}],
    )
    messages, events = run(ActionGuide(), given)
    data = payload(messages)
    assert responses(messages) == ["utter_heard", "utter_next"]
    assert 1 <= len(data["services"]) <= 3
    assert all("bolig" in s["themes"] for s in data["services"])
    assert data["services"][0]["kommune"] == "svendborg"
    ids = [s["id"] for s in data["services"]]
    assert events == [
        SlotSet("kommune", "svendborg"),
        SlotSet("pending", None),
        SlotSet("kommune_asked", True),
        SlotSet("themes", ["bolig"]),
        SlotSet("query", "jeg har ingen steder at sove"),
        SlotSet("shown", ids),
    ]


def test_a_town_in_the_first_message_is_enough_no_question() -> None:
    messages, events = run(
        ActionGuide(), tracker("har ikke et sted at bo, jeg bor i grenaa", "need_bolig")
    )
    assert "utter_ask_kommune" not in responses(messages)
    assert events[0] == SlotSet("kommune", "norddjurs")
    assert {s["kommune"] for s in payload(messages)["services"]} <= {"norddjurs", None}


def test_two_problems_get_a_coordinating_door_and_one_service_each() -> None:
    given = tracker(
        "jeg drikker for meget og har mistet min lejlighed",
        "need_bolig+need_misbrug",
        slots={"kommune": "jammerbugt"},
    )
    messages, _ = run(ActionGuide(), given)
    data = payload(messages)
    assert responses(messages)[0] == "utter_heard_many"
    assert data["services"][0]["front_door"] is True
    assert data["themes"] == ["bolig", "misbrug"]
    themes_shown = {t for s in data["services"][1:] for t in s["themes"]}
    assert {"bolig", "misbrug"} <= themes_shown


def test_a_crisis_the_classifier_missed_still_gets_112_first() -> None:
    """The crisis net (bot/addons/crisis.py) named the kind; the intent stayed a need."""
    given = tracker(
        "jeg har samlet piller nok og gør det i aften",
        "need_psykisk",
        entities=[{"entity": "crisis_kind", "value": "suicide"}],
    )
    messages, events = run(ActionGuide(), given)
    assert responses(messages)[0] == "utter_crisis_suicide"
    assert payload(messages)["crisis"] is True
    assert SlotSet("crisis", True) in events


def test_out_of_scope_says_what_we_do_and_gives_the_front_door() -> None:
    given = tracker("hvad bliver vejret i morgen", "out_of_scope", slots={"kommune": "norddjurs"})
    messages, events = run(ActionGuide(), given)
    data = payload(messages)
    assert responses(messages) == ["utter_out_of_scope"]
    assert data["out_of_scope"] is True
    assert [s["id"] for s in data["services"]] == ["norddjurs-raadhus"]
    assert "89 59 10 00" in texts(messages)
    assert events == [SlotSet("kommune", "norddjurs")]


def test_out_of_scope_without_a_municipality_lists_every_front_door() -> None:
    messages, _ = run(ActionGuide(), tracker("hvem vandt superligaen", "out_of_scope"))
    assert len(payload(messages)["services"]) == 5


def test_staff_are_recognised_and_addressed_as_staff() -> None:
    given = tracker(
        "jeg har en borger der er blevet sat ud af sin lejlighed",
        "need_bolig",
        slots={"kommune": "svendborg"},
    )
    _, events = run(ActionGuide(), given)
    assert events[0] == SlotSet("role", "staff")


def test_an_empty_message_gets_a_kind_answer_and_a_door() -> None:
    messages, _ = run(ActionGuide(), tracker("", "nlu_fallback", slots={"kommune": "svendborg"}))
    assert responses(messages) == ["utter_empty"]
    assert payload(messages)["services"]


def test_more_options_never_repeats_what_was_shown() -> None:
    _first, events = run(
        ActionGuide(), tracker("sover på gaden", "need_bolig", slots={"kommune": "jammerbugt"})
    )
    shown = next(e["value"] for e in events if e.get("name") == "shown")
    slots = {
        "kommune": "jammerbugt",
        "themes": ["bolig"],
        "shown": shown,
        "query": "sover på gaden",
    }
    messages, events = run(ActionMore(), tracker("flere muligheder", "ask_more", slots=slots))
    new = [s["id"] for s in payload(messages)["services"]]
    assert new and not set(new) & set(shown)
    assert responses(messages) == ["utter_more", "utter_next"]  # not the first greeting again
    assert events == [SlotSet("shown", sorted(set(shown) | set(new)))]


def test_naming_a_municipality_answers_with_its_front_door_and_its_phone() -> None:
    # Faxe's and Nyborg's switchboards are not verified: their front doors are the checked ones
    # (Café Paraplyen, Socialafdelingen), so the answer still has a number to call.
    for slug, door in (("faxe", "faxe-cafe-paraplyen"), ("nyborg", "nyborg-socialafdeling")):
        given = tracker(
            f"{slug} kommune", "inform_kommune", entities=[{"entity": "kommune", "value": slug}]
        )
        messages, _ = run(ActionGuide(), given)
        services = payload(messages)["services"]
        assert services[0]["id"] == door and services[0]["phone"], services[0]


def test_english_cards_and_words() -> None:
    slots = {"kommune": "svendborg", "language": "en", "user_language": "en"}
    given = tracker("i have nowhere to sleep", "need_bolig", slots=slots)
    messages, _ = run(ActionGuide(), given)
    assert responses(messages) == ["utter_heard", "utter_next"]
    cards = [m["text"] for m in messages if m.get("text")]
    assert cards and all("Tlf." not in c and "Adresse:" not in c for c in cards), cards
    assert any("Phone" in c or "Call" in c or "Contact" in c for c in cards), cards


def test_another_language_gets_the_interpreter_offer_first_and_the_search_decides() -> None:
    slots = {"kommune": "svendborg", "language": "en", "user_language": "uk"}
    # What addons.language makes of a Ukrainian message: nlu_fallback, whatever DIET guessed.
    given = tracker(
        "Мені нема де спати, мене виселили з квартири",
        "nlu_fallback",
        1.0,
        slots=slots,
        ranking=[("nlu_fallback", 1.0), ("greet", 0.8)],
    )
    messages, _ = run(ActionGuide(), given)
    assert responses(messages) == ["utter_interpreter_uk", "utter_heard", "utter_next"]
    assert "bolig" in payload(messages)["themes"]


def test_a_municipality_we_do_not_hold_gets_a_national_number_and_a_kind_line() -> None:
    slots = {"pending": "jeg har ingen steder at sove", "themes": ["bolig"], "kommune_asked": True}
    given = tracker(
        '/inform_kommune{"kommune": "anden"}',
        "inform_kommune",
        slots=slots,
        entities=[{"entity": "kommune", "value": "anden"}],
    )
    messages, _ = run(ActionGuide(), given)
    said = responses(messages)
    assert said[0] == "utter_no_kommune"  # "... your municipality's main number can help too"
    numbers = [s["phone"] for s in payload(messages)["services"] if s["kommune"] is None]
    assert [n for n in numbers if n and n != "112"], payload(messages)["services"]
