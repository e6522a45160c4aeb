"""Recognise a crisis (acute danger to life or safety) from what a person writes.

Two stages, each measured alone and together (knowledge/crisis_eval.py):
1. The lexicon (corpus/crisis.yml): high-recall patterns over folded text, so spellings without
   æøå match too. A cancel explains only the match it is scoped to: the words it overlaps, or
   the clause it stands in, never a word elsewhere in the message. A clause that states danger
   now is never cancelled by the past, grief, information or media.
2. The learned stage (knowledge/crisis_model.py): a classifier over e5 sentence vectors and
   character n-grams that reads meaning, in any language, and catches what the lexicon misses.

Pure Python, PyYAML and numpy: Rasa's own environment imports this module too
(bot/addons/crisis.py), where the app's packages are not installed.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from knowledge.text import clean, fold

LEXICON = Path(__file__).resolve().parent / "corpus" / "crisis.yml"
# Where a clause ends: sentence marks, commas, new lines, and "men"/"but" (what follows them
# often turns the message: "det var for et år siden, men nu ...").
_CLAUSE_END = re.compile(r"[.!?;,:\n]+|\s+[-–—]\s+|\s(?=(?:men|but|however)\s)", re.IGNORECASE)
# How far an overlap-scoped cancel may stand from the words it explains: two words and spaces.
_NEAR = 2
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Crisis:
    kind: str  # suicide, overdose, child, child_other or violence
    lines: tuple[str, ...]  # catalogue service ids of the lines to show, first first
    matched: str  # the folded words that matched (lexicon), or "model:<score>" (learned stage)
    stage: str = "lexicon"  # which stage found it: lexicon or model


@dataclass(frozen=True)
class Cancel:
    kinds: frozenset[str] | None  # None: every kind
    scope: str  # overlap or clause
    unless_now: bool
    patterns: tuple[re.Pattern[str], ...]

    def applies(self, kind: str) -> bool:
        return self.kinds is None or kind in self.kinds


@dataclass(frozen=True)
class Folded:
    """A message folded clause by clause, with where each clause starts and ends."""

    text: str
    clauses: tuple[tuple[int, int], ...]

    def clause_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the clauses that the span start..end touches."""
        touched = [c for c in self.clauses if c[0] < max(end, start + 1) and c[1] > start]
        if not touched:
            return (start, end)
        return (touched[0][0], touched[-1][1])


def fold_clauses(message: str, emoji: dict[str, str] | None = None) -> Folded:
    """Fold each clause on its own and join them with one space, keeping their bounds."""
    text = clean(message or "")
    for sign, word in (emoji or {}).items():
        text = text.replace(sign, word)
    parts: list[str] = []
    bounds: list[tuple[int, int]] = []
    cursor = 0
    for raw in _CLAUSE_END.split(text):
        folded = fold(raw)
        if not folded:
            continue
        if parts:
            cursor += 1
        bounds.append((cursor, cursor + len(folded)))
        parts.append(folded)
        cursor += len(folded)
    return Folded(" ".join(parts), tuple(bounds))


def _near(found: re.Match[str], start: int, end: int, text: str) -> bool:
    """Does a cancel's match overlap start..end, or stand at most _NEAR words from it?"""
    if found.start() < end and found.end() > start:
        return True
    gap = text[end : found.start()] if found.start() >= end else text[found.end() : start]
    return len(_WORD.findall(gap)) <= _NEAR


class CrisisDetector:
    """The lexicon stage, with an optional learned stage beside it (see `with_model`)."""

    def __init__(
        self,
        kinds: dict[str, tuple[tuple[str, ...], list[re.Pattern[str]]]],
        cancels: Iterable[Cancel] = (),
        now: Iterable[re.Pattern[str]] = (),
        emoji: dict[str, str] | None = None,
    ) -> None:
        self.kinds = kinds
        self.cancels = list(cancels)
        self.now = list(now)
        self.emoji = dict(emoji or {})
        self.stage: Any = None  # the learned stage (knowledge.crisis_model.Stage), if any

    @classmethod
    def from_file(cls, path: Path = LEXICON) -> "CrisisDetector":
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        kinds = {
            name: (tuple(spec["lines"]), [re.compile(p) for p in spec["patterns"]])
            for name, spec in data["kinds"].items()
        }
        return cls(
            kinds,
            [_cancel(spec) for spec in data.get("cancels") or []],
            [re.compile(p) for p in data.get("now") or []],
            data.get("emoji") or {},
        )

    def with_model(self, stage: Any) -> "CrisisDetector":
        """This lexicon with the learned stage beside it (knowledge.crisis_model.Stage)."""
        both = CrisisDetector(self.kinds, self.cancels, self.now, self.emoji)
        both.stage = stage
        return both

    def detect(self, message: str) -> Crisis | None:
        """Both stages together: a lexicon match stands unless the classifier is all but sure
        there is no danger (below its veto), and the classifier alone raises a crisis at its
        threshold. Both thresholds are chosen on the dev set (knowledge/crisis_training.py)."""
        found = self.lexicon(message)
        if self.stage is None:
            return found
        score, kind = self.stage.score(message)
        if found is not None and score >= self.stage.model.veto:
            return found
        if score >= self.stage.model.threshold:
            return Crisis(kind, self.kinds[kind][0], f"model:{score:.2f}", stage="model")
        return None

    def model(self, message: str) -> Crisis | None:
        """The learned stage alone (for measuring it)."""
        if self.stage is None:
            return None
        score, kind = self.stage.score(message)
        if score < self.stage.model.threshold:
            return None
        return Crisis(kind, self.kinds[kind][0], f"model:{score:.2f}", stage="model")

    def lexicon(self, message: str) -> Crisis | None:
        """The first kind with a match that no cancel in its scope explains."""
        folded = fold_clauses(message, self.emoji)
        if not folded.text:
            return None
        clauses = [folded.text[a:b] for a, b in folded.clauses]
        for kind, (lines, patterns) in self.kinds.items():
            for pattern in patterns:
                for found in self._matches(pattern, folded, clauses):
                    if not self._cancelled(kind, found, folded.text, folded):
                        return Crisis(kind, lines, folded.text[found[0] : found[1]])
        return None

    @staticmethod
    def _matches(
        pattern: re.Pattern[str], folded: Folded, clauses: list[str]
    ) -> Iterable[tuple[int, int]]:
        """Matches inside each clause first, then across clauses, as spans of the whole text."""
        for (offset, _), clause in zip(folded.clauses, clauses, strict=True):
            for found in pattern.finditer(clause):
                yield (offset + found.start(), offset + found.end())
        for found in pattern.finditer(folded.text):
            yield found.span()

    def _cancelled(self, kind: str, span: tuple[int, int], text: str, folded: Folded) -> bool:
        start, end = span
        c_start, c_end = folded.clause_span(start, end)
        clause = text[c_start:c_end]
        now = any(p.search(clause) for p in self.now)
        for cancel in self.cancels:
            if not cancel.applies(kind) or (cancel.unless_now and now):
                continue
            for pattern in cancel.patterns:
                if cancel.scope == "clause":
                    if pattern.search(clause):
                        return True
                elif any(_near(m, start, end, text) for m in pattern.finditer(text)):
                    return True
        return False


def _cancel(spec: dict[str, Any]) -> Cancel:
    kinds = spec.get("kinds", "all")
    scope = spec.get("scope", "clause")
    if scope not in ("clause", "overlap"):
        raise ValueError(f"crisis.yml: a cancel's scope is clause or overlap, not {scope!r}")
    return Cancel(
        kinds=None if kinds == "all" else frozenset(kinds),
        scope=scope,
        unless_now=bool(spec.get("unless_now", False)),
        patterns=tuple(re.compile(p) for p in spec["patterns"]),
    )


@lru_cache(maxsize=1)
def get_lexicon() -> CrisisDetector:
    """The lexicon stage alone (cheap: no model is loaded)."""
    return CrisisDetector.from_file()


@lru_cache(maxsize=1)
def get_detector() -> CrisisDetector:
    """Both stages: the lexicon and, when its model file is there, the learned stage."""
    from knowledge.crisis_model import load_stage

    stage = load_stage(get_lexicon().emoji)
    return get_lexicon() if stage is None else get_lexicon().with_model(stage)
