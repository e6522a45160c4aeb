"""Combining Rasa's intent ranking with the knowledge base's theme ranking."""

from actions.context import Turn
from actions.understanding import intent_themes, is_out_of_scope, understand
from knowledge.search import Response


def found(
    themes: list[str], no_good_match: bool = False, dense: float = 0.1, lexical: float = 0.5
) -> Response:
    response = Response("q", None, no_good_match=no_good_match)
    response.themes = [(t, 1.0 / (i + 1)) for i, t in enumerate(themes)]
    response.signals = {"dense": dense, "lexical": lexical}
    return response


def test_intent_themes() -> None:
    assert intent_themes("need_bolig+need_misbrug") == ["bolig", "misbrug"]
    assert intent_themes("need_vold") == ["vold"]
    assert intent_themes("greet") == []
    assert intent_themes("need_bolig+greet") == []


def test_the_knowledge_base_overrules_a_weak_intent() -> None:
    turn = Turn("min husleje", "need_vold", 0.4, [("need_vold", 0.4), ("need_oekonomi", 0.3)])
    assert understand(turn, found(["oekonomi", "bolig", "vold"])).themes[0] == "oekonomi"


def test_a_confident_intent_stays() -> None:
    turn = Turn("jeg sover på gaden", "need_bolig", 0.98, [("need_bolig", 0.98)])
    assert understand(turn, found(["bolig", "ensomhed"])).themes == ["bolig"]


def test_a_multi_intent_keeps_both_themes() -> None:
    turn = Turn("x", "need_bolig+need_misbrug", 0.9, [("need_bolig+need_misbrug", 0.9)])
    assert understand(turn, found(["misbrug", "bolig"])).themes == ["misbrug", "bolig"]


def test_out_of_scope_needs_no_fit_or_a_clear_intent() -> None:
    weather = Turn("vejret", "out_of_scope", 0.9, [("out_of_scope", 0.9)])
    assert is_out_of_scope(weather, found(["bolig"], dense=0.02, lexical=0.1))
    appeal = Turn("ankestyrelsen hvordan", "out_of_scope", 0.9, [("out_of_scope", 0.9)])
    assert not is_out_of_scope(appeal, found(["kontakt"], dense=0.12, lexical=0.45))
    vague = Turn("hmm", "nlu_fallback", 0.3, [("need_bolig", 0.3)])
    assert is_out_of_scope(vague, found(["bolig"], no_good_match=True))
    need = Turn("sover ude", "need_bolig", 0.95, [("need_bolig", 0.95)])
    assert not is_out_of_scope(need, found(["bolig"], no_good_match=True))


def test_a_button_is_taken_as_pressed() -> None:
    turn = Turn("/need_unge", "need_unge", 1.0, [("need_unge", 1.0)])
    assert understand(turn, None).themes == ["unge"]


def test_another_language_is_understood_by_the_search_alone() -> None:
    # DIET's guess at a Ukrainian message (say, greet at 0.9) is not asked; a weak but real fit
    # in the multilingual search is enough, where Danish would call it out of scope.
    turn = Turn("мені нема де спати", "nlu_fallback", 1.0, [("greet", 0.9)])
    weak = found(["bolig", "oekonomi"], no_good_match=True, dense=0.06, lexical=0.0)
    assert understand(turn, weak, other_language=True).themes == ["bolig"]
    assert understand(turn, weak).out_of_scope
    nothing = found(["bolig"], no_good_match=True, dense=0.02, lexical=0.0)
    assert understand(turn, nothing, other_language=True).out_of_scope
