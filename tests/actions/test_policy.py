"""action_policy: an exact passage of the municipality's policy with its citation."""

from pathlib import Path

from rasa_sdk.events import SlotSet

from actions.guidance import ActionGuide
from actions.policy import ActionPolicy
from tests.actions.conftest import payload, responses, run, tracker


def test_the_quote_is_the_policy_text_itself(project_root: Path) -> None:
    given = tracker("hvad gør kommunen for hjemløse", "ask_policy", slots={"kommune": "svendborg"})
    messages, _ = run(ActionPolicy(), given)
    quote = next(m for m in messages if m.get("response") == "utter_policy_quote")
    source = payload(messages)["sources"][0]
    assert source["kommune"] == "svendborg"
    assert quote["document"] == source["document"] and quote["section"] == source["section"]
    policy = (project_root / "knowledge/corpus/policies").glob("*.txt")
    flat = {" ".join(p.read_text(encoding="utf-8").split()) for p in policy}
    excerpt = quote["excerpt"].removesuffix(" …")
    assert any(excerpt in text for text in flat), "the excerpt is not invented"


def test_without_a_municipality_it_asks_and_answers_after() -> None:
    question = "hvad står der i politikken om misbrug"
    messages, events = run(ActionPolicy(), tracker(question, "ask_policy"))
    assert responses(messages) == ["utter_policy_ask_kommune"]
    assert events == [SlotSet("pending", "policy:" + question), SlotSet("themes", [])]
    answer = tracker(
        '/inform_kommune{"kommune": "nyborg"}',
        "inform_kommune",
        slots={"pending": "policy:" + question, "kommune_asked": True},
        entities=[{"entity": "kommune", "value": "nyborg"}],
    )
    messages, _ = run(ActionGuide(), answer)
    assert "utter_policy_quote" in responses(messages)
    assert payload(messages)["sources"][0]["kommune"] == "nyborg"
