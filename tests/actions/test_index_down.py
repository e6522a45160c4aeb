"""With the index missing or broken the actions cannot search, and every reply still ends at a
human door: the catalogue is read without the index."""

import pytest
from rasa_sdk.events import SlotSet

from actions import knowledge_access
from actions.cards import has_door
from actions.crisis import ActionCrisis
from actions.doors import ActionHumanDoor
from actions.guidance import ActionGuide, ActionMore
from actions.policy import ActionPolicy
from knowledge.errors import KnowledgeError
from knowledge.search import Searcher
from tests.actions.conftest import payload, responses, run, tracker


@pytest.fixture(autouse=True)
def index_down(real_knowledge: Searcher, monkeypatch: pytest.MonkeyPatch) -> None:
    def missing() -> Searcher:
        raise KnowledgeError("No usable index in var/index (manifest.json is missing).")

    monkeypatch.setattr(knowledge_access, "searcher", missing)


def test_a_need_is_understood_by_the_classifier_and_answered_with_the_front_door() -> None:
    given = tracker("jeg har gæld til inkasso", "need_oekonomi", slots={"kommune": "svendborg"})
    messages, events = run(ActionGuide(), given)
    assert responses(messages) == ["utter_heard", "utter_next"]
    services = payload(messages)["services"]
    assert [s["id"] for s in services] == ["svendborg-kommune"] and has_door(services[0])
    assert SlotSet("themes", ["oekonomi"]) in events


def test_a_town_in_the_message_still_names_the_municipality() -> None:
    messages, events = run(ActionGuide(), tracker("jeg bor i grenaa og har gæld", "need_oekonomi"))
    assert events[0] == SlotSet("kommune", "norddjurs")
    (door,) = payload(messages)["services"]
    assert door["front_door"] and door["kommune"] == "norddjurs" and has_door(door)


def test_without_a_municipality_a_national_number_for_the_need() -> None:
    # Asked already, and none of ours ("anden kommune / ved ikke"): a national door to phone.
    given = tracker("jeg har gæld", "need_oekonomi", slots={"kommune_asked": True})
    messages, _ = run(ActionGuide(), given)
    services = payload(messages)["services"]
    assert services and all(s["kommune"] is None and s["phone"] for s in services)
    assert "oekonomi" in services[0]["themes"]


def test_more_options_the_policy_and_a_human_end_at_a_door() -> None:
    slots = {"kommune": "jammerbugt", "themes": ["bolig"], "query": "sover på gaden"}
    more, _ = run(ActionMore(), tracker("flere muligheder", "ask_more", slots=slots))
    assert responses(more) == ["utter_no_more"]
    policy, _ = run(ActionPolicy(), tracker("hvad gør I for hjemløse", "ask_policy", slots=slots))
    assert responses(policy) == ["utter_policy_none"]
    human, _ = run(
        ActionHumanDoor(), tracker("kan jeg tale med et menneske", "ask_human", slots=slots)
    )
    for messages in (more, policy, human):
        assert any(has_door(s) for s in payload(messages)["services"])


def test_a_crisis_still_gets_its_lines() -> None:
    given = tracker(
        "jeg vil ikke leve mere",
        "crisis",
        slots={"kommune": "faxe"},
        entities=[{"entity": "crisis_kind", "value": "suicide"}],
    )
    messages, _ = run(ActionCrisis(), given)
    services = payload(messages)["services"]
    assert services and services[0]["crisis"] and services[0]["phone"]
