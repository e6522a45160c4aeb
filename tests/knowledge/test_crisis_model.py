"""The learned crisis stage: its weights match its training data, it reads meaning the lexicon
has no words for, and its thresholds are the ones chosen on the dev set."""

from pathlib import Path

import numpy as np
import pytest

from knowledge.crisis import get_detector, get_lexicon
from knowledge.crisis_model import (
    CLASSES,
    HASH_DIM,
    MODEL_FILE,
    CrisisModel,
    Stage,
    char_ngrams,
    load_stage,
    manifest,
)
from knowledge.crisis_training import current_hash


def test_the_weights_were_trained_on_the_data_as_it_is_now() -> None:
    """Training data or lexicon changed without `make crisis-model`: train again."""
    assert MODEL_FILE.exists()
    assert manifest()["data_hash"] == current_hash()


def test_the_thresholds_in_the_weights_are_those_the_manifest_reports() -> None:
    model = CrisisModel.load()
    info = manifest()
    assert model.threshold == pytest.approx(info["threshold"])
    assert model.veto == pytest.approx(info["veto"])
    assert 0 <= model.veto < model.threshold < 1
    assert model.dense.shape[0] == model.sparse.shape[0] == len(CLASSES)
    assert model.sparse.shape[1] == HASH_DIM


def test_char_ngrams_fold_first_and_are_unit_length() -> None:
    a_index, a_values = char_ngrams("Hjælp")
    b_index, _ = char_ngrams("hjaelp")
    assert sorted(a_index.tolist()) == sorted(b_index.tolist())
    assert np.linalg.norm(a_values) == pytest.approx(1.0)
    index, values = char_ngrams("  ")
    assert len(index) == len(values) == 0


@pytest.mark.parametrize(
    "message",
    [
        # Said without any of the lexicon's words.
        "i morgen er der ikke mere at bekymre sig om for nogen, jeg har gjort alt klar",
        "я більше не хочу прокидатися, сьогодні все закінчиться",
        "bu gece her şeye son vereceğim, kimse beni özlemeyecek",
    ],
)
def test_the_learned_stage_reads_what_the_lexicon_has_no_words_for(message: str) -> None:
    assert get_lexicon().lexicon(message) is None
    found = get_detector().detect(message)
    assert found is not None and found.stage == "model", message
    assert found.lines[0] == "national-112"


def test_a_message_with_nothing_to_read_scores_zero() -> None:
    stage = load_stage({})
    assert isinstance(stage, Stage)
    assert stage.score("!!! ...") == (0.0, "suicide")


def test_without_its_weights_the_detector_is_the_lexicon_alone(tmp_path: Path) -> None:
    assert load_stage({}, tmp_path / "missing.npz") is None


def test_a_lexicon_match_stands_unless_the_model_is_all_but_sure() -> None:
    """The veto: a match is cancelled only below it; the model alone speaks at its threshold."""
    detector = get_detector()
    assert detector.stage is not None
    model = detector.stage.model

    class Fixed:
        def __init__(self, score: float) -> None:
            self.model = model
            self.value = score

        def score(self, message: str) -> tuple[float, str]:
            return self.value, "overdose"

    lexicon = get_lexicon()
    plain = "jeg har taget alle mine piller"
    assert lexicon.lexicon(plain) is not None
    assert lexicon.with_model(Fixed(model.veto)).detect(plain) is not None
    if model.veto > 0:
        assert lexicon.with_model(Fixed(model.veto - 0.01)).detect(plain) is None
    calm = "jeg har mistet min lejlighed"
    found = lexicon.with_model(Fixed(model.threshold)).detect(calm)
    assert found is not None and found.kind == "overdose" and found.stage == "model"
    assert lexicon.with_model(Fixed(model.threshold - 0.01)).detect(calm) is None
