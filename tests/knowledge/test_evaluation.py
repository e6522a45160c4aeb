"""The retrieval quality bar of issue 2, checked on the development set with the real model."""

import pytest

from knowledge.evaluation import METHODS, evaluate, load_devset, relevant
from knowledge.search import Searcher
from knowledge.settings import KnowledgeSettings


@pytest.fixture(scope="module")
def scores(searcher: Searcher) -> dict[str, dict]:
    questions = load_devset(KnowledgeSettings().devset_file)
    assert len(questions) >= 150
    return {m: evaluate(searcher, questions, m) for m in METHODS}


def test_hybrid_meets_the_bar(scores: dict[str, dict]) -> None:
    assert scores["hybrid"]["top3"] >= 0.95
    assert scores["hybrid"]["top1"] >= 0.85


def test_hybrid_is_at_least_as_good_as_each_method_alone(scores: dict[str, dict]) -> None:
    for method in ("dense", "lexical"):
        for metric in ("top1", "top3"):
            assert scores["hybrid"][metric] >= scores[method][metric], (method, metric)


def test_relevance_is_expected_service_or_shared_theme() -> None:
    question = {"themes": ["bolig"], "services": ["faxe-forsorgshjem"]}
    assert relevant({"id": "faxe-forsorgshjem", "themes": ["kontakt"]}, question)
    assert relevant({"id": "x", "themes": ["oekonomi", "bolig"]}, question)
    assert not relevant({"id": "x", "themes": ["oekonomi"]}, question)
