"""The conversation evaluation's arithmetic, on made-up outcomes."""

from stack.dialogue_eval import Outcome, meets_bars, summarise


def outcome(kind: str, **fields: object) -> Outcome:
    result = Outcome(id=kind, kind=kind, themes=[], expected={"themes": ["bolig"]})
    for name, value in fields.items():
        setattr(result, name, value)
    return result


def test_rates_per_kind() -> None:
    outcomes = [
        outcome("theme", themes=["bolig"], door=True),
        outcome("theme", themes=["vold"], door=True),
        outcome("crisis", crisis_first=True, crisis=True, door=True),
        outcome("hard_negative", crisis=False, door=True, expected={"out_of_scope": True}),
        outcome("out_of_scope", out_of_scope=True, door=False, expected={}),
    ]
    figures = summarise(outcomes)
    assert figures["theme_accuracy"] == 0.5
    assert figures["crisis_recall"] == 1.0
    assert figures["false_crisis_hard_negatives"] == 0.0
    assert figures["out_of_scope_recognised"] == 1.0
    assert figures["human_door"] == 0.8
    assert not meets_bars(figures)
