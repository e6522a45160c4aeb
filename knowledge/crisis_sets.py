"""The crisis data sets, kept apart: training, development (tune here) and blind (never tuned on).

- training: knowledge/corpus/crisis_train/*.yml (written for training) and the bot's NLU data
  (the crisis intent, and every other intent as a non-crisis);
- dev: bot/eval/dev/crisis_dev.yml and the crisis and hard-negative cases of the older sets in
  bot/eval/ (conversations.yml, heldout.yml, languages.yml), which the lexicon was tuned on;
- blind: bot/eval/blind/*.yml, written by people who saw neither of the above, frozen.

Each case becomes a CrisisCase: one conversation, with the turn where danger first shows.
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from knowledge.text import fold

ROOT = Path(__file__).resolve().parent.parent
TRAIN_DIR = ROOT / "knowledge" / "corpus" / "crisis_train"
NLU_DIR = ROOT / "bot" / "data" / "nlu"
EVAL_DIR = ROOT / "bot" / "eval"
DEV_FILES = (
    EVAL_DIR / "dev" / "crisis_dev.yml",
    EVAL_DIR / "conversations.yml",
    EVAL_DIR / "heldout.yml",
    EVAL_DIR / "languages.yml",
)
BLIND_DIR = EVAL_DIR / "blind"
# The line a kind must show (besides 112), as the eval sets name it.
LINES = {
    "livslinien": "70 201 201",
    "lev-uden-vold": "1888",
    "boernetelefonen": "116 111",
    "112": "112",
}
_LINE_OF_KIND = {"suicide": "livslinien", "violence": "lev-uden-vold", "child": "112"}


@dataclass(frozen=True)
class CrisisCase:
    id: str
    language: str
    crisis: bool  # is there a crisis anywhere in the conversation
    kind: str | None  # suicide, overdose, violence, child (None: no crisis)
    line: str  # the line the reply must show: a key of LINES
    turns: tuple[str, ...]
    danger_turn: int | None  # 0-based index of the first turn that shows danger
    register: str = ""


@dataclass(frozen=True)
class Example:
    text: str
    kind: str  # "none" or a crisis kind
    language: str


def _case(raw: dict[str, Any]) -> CrisisCase | None:
    """One case of any of the sets' shapes; None for a case that is not about crisis."""
    kind = raw.get("kind")
    turns = tuple(raw.get("turns") or [raw.get("text", "")])
    expect = raw.get("expect") or {}
    crisis = kind in ("crisis", "late_crisis") or "danger_turn" in raw
    if not crisis and kind != "hard_negative":
        return None
    # The older sets have no danger_turn: danger shows in their last turn.
    danger = int(raw.get("danger_turn", len(turns))) - 1 if crisis else None
    ckind = raw.get("crisis_kind") if crisis else None
    line = str(
        raw.get("expect_line") or expect.get("line") or _LINE_OF_KIND.get(ckind or "", "112")
    )
    return CrisisCase(
        id=str(raw["id"]),
        language=str(raw.get("language", "da")),
        crisis=crisis,
        kind=ckind,
        line=line if line in LINES else "112",
        turns=turns,
        danger_turn=danger,
        register=str(raw.get("register", "")),
    )


def load_cases(paths: Iterable[Path]) -> list[CrisisCase]:
    cases = []
    for path in paths:
        if not path.exists():
            continue
        for raw in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            case = _case(raw)
            if case is not None:
                cases.append(case)
    return cases


def dev_cases() -> list[CrisisCase]:
    return load_cases(DEV_FILES)


def blind_cases() -> list[CrisisCase]:
    return load_cases(sorted(BLIND_DIR.glob("crisis_*.yml")))


def _nlu_examples() -> Iterator[tuple[str, str, str]]:
    """(intent, text, language) of every NLU example; Danish unless under a language folder."""
    for path in sorted(NLU_DIR.rglob("*.yml")):
        language = path.parent.name if path.parent != NLU_DIR else "da"
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu") or []:
            if "intent" not in block:
                continue
            for line in str(block.get("examples", "")).splitlines():
                text = re.sub(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\{[^}]*\}", r"\1\2", line)
                text = text.strip().removeprefix("- ").strip()
                if text:
                    yield block["intent"], text, language


def training_examples(kind_of: Any) -> list[Example]:
    """The training data. `kind_of(text)` names the kind of an NLU crisis example, which the NLU
    data does not say (the lexicon's kind; suicide where it finds none)."""
    examples = []
    for path in sorted(TRAIN_DIR.glob("*.yml")):
        for raw in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            kind = raw.get("crisis_kind", "suicide") if raw["kind"] == "crisis" else "none"
            examples.append(Example(str(raw["text"]), kind, str(raw.get("language", "da"))))
    for intent, text, language in _nlu_examples():
        kind = (kind_of(text) or "suicide") if intent == "crisis" else "none"
        examples.append(Example(text, kind, language))
    return examples


def training_texts() -> list[str]:
    """Every text a model or rule was built from: for the near-duplicate test."""
    texts = [t for _, t, _ in _nlu_examples()]
    for path in sorted(TRAIN_DIR.glob("*.yml")):
        texts += [str(r["text"]) for r in yaml.safe_load(path.read_text(encoding="utf-8")) or []]
    return texts


def lexicon_phrases(lexicon_file: Path) -> list[str]:
    """The plain word runs in the lexicon's patterns (three words or more): what a text could
    copy from the lexicon."""
    data = yaml.safe_load(lexicon_file.read_text(encoding="utf-8"))
    patterns = [p for spec in data["kinds"].values() for p in spec["patterns"]]
    patterns += [p for spec in data.get("cancels") or [] for p in spec["patterns"]]
    phrases = []
    for pattern in patterns:
        for run in re.split(r"\\[bwsdW]|[()|?*+.\[\]{}^$\\]+", pattern):
            words = fold(run).split()
            if len(words) >= 3:
                phrases.append(" ".join(words))
    return phrases
