"""The crisis data sets stay apart: no dev or blind text is a near-duplicate of a training text
or of the lexicon, and the blind set has the size and spread the crisis issue asks for."""

from collections import Counter

import pytest

from knowledge.crisis import LEXICON
from knowledge.crisis_sets import (
    CrisisCase,
    blind_cases,
    dev_cases,
    lexicon_phrases,
    training_texts,
)
from knowledge.text import fold

LANGUAGES = {"da", "en", "uk", "ar", "pl", "tr", "so", "fa", "ro"}
# Two texts are near-duplicates when, after folding æøå and case, their word pairs overlap this
# much (Jaccard), or one holds the other whole and is most of its length. A short common phrase
# inside a longer message ("min telefon er død, kan jeg ...") is language, not a copy.
NEAR = 0.6
MOST = 0.7


def pairs(text: str) -> set[tuple[str, ...]]:
    words = fold(text).split()
    return {tuple(words[i : i + 2]) for i in range(len(words) - 1)} or {tuple(words)}


def near_duplicate(text: str, other: str) -> bool:
    a, b = fold(text), fold(other)
    if not a or not b:
        return False
    short, long = sorted((a, b), key=len)
    if f" {short} " in f" {long} " and len(short.split()) >= MOST * len(long.split()):
        return True
    x, y = pairs(a), pairs(b)
    return len(x & y) / len(x | y) >= NEAR


class Index:
    """Word pairs to texts, so each text is compared only with those it shares a pair with."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        self.by_pair: dict[tuple[str, ...], list[int]] = {}
        for i, text in enumerate(texts):
            for pair in pairs(text):
                self.by_pair.setdefault(pair, []).append(i)

    def near(self, text: str) -> list[str]:
        seen = {i for pair in pairs(text) for i in self.by_pair.get(pair, [])}
        return [self.texts[i] for i in sorted(seen) if near_duplicate(text, self.texts[i])]


def turns(cases: list[CrisisCase]) -> list[tuple[str, str]]:
    return [(case.id, turn) for case in cases for turn in case.turns]


@pytest.fixture(scope="module")
def built() -> Index:
    return Index(training_texts() + lexicon_phrases(LEXICON))


def test_the_near_duplicate_rule_folds_and_sees_small_changes() -> None:
    assert near_duplicate("Jeg vil ikke leve mere", "jeg vil ikke leve mere!")
    assert near_duplicate("jeg har taget alle mine piller nu", "jeg har taget alle mine piller")
    assert not near_duplicate(
        "min telefon er død, kan I ringe til mig i morgen", "min telefon er død"
    )
    assert near_duplicate("hjælp han slår mig", "hjaelp han slaar mig")
    assert not near_duplicate("jeg har mistet min lejlighed", "han slår mig lige nu")


@pytest.mark.parametrize("name", ["dev", "blind"])
def test_no_eval_text_is_a_near_duplicate_of_training_or_lexicon_text(
    name: str, built: Index
) -> None:
    cases = dev_cases() if name == "dev" else blind_cases()
    # Only ids: a blind text shown in a test report is a blind text read.
    copies = [(i, built.near(t)[:1]) for i, t in turns(cases) if built.near(t)]
    assert not copies, f"{len(copies)} {name} turns copy training or lexicon text: {copies[:8]}"


def test_blind_and_dev_share_no_text() -> None:
    dev = Index([t for _, t in turns(dev_cases())])
    shared = [(i, dev.near(t)[:1]) for i, t in turns(blind_cases()) if dev.near(t)]
    assert not shared, shared[:8]


def test_the_blind_set_has_the_size_and_spread_asked_for() -> None:
    cases = blind_cases()
    crises = [c for c in cases if c.crisis and c.danger_turn == 0]
    negatives = [c for c in cases if not c.crisis]
    dialogues = [c for c in cases if c.crisis and (c.danger_turn or 0) > 0]
    assert len(crises) >= 150 and len(negatives) >= 150 and len(dialogues) >= 20
    assert {c.language for c in crises} == LANGUAGES == {c.language for c in negatives}
    kinds = Counter(c.kind for c in crises)
    assert set(kinds) == {"suicide", "overdose", "violence", "child"}, kinds
    assert len({c.id for c in cases}) == len(cases)
