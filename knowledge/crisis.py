"""Recognise a crisis (acute danger to life or safety) from what a person writes.

A deterministic check on purpose: a statistical classifier misses some crises and finds others in
"slå græsplænen". The lexicon (corpus/crisis.yml) is matched on folded text, so spellings without
æøå match too. Pure Python and PyYAML only: Rasa's own environment imports this module too
(bot/addons/crisis.py), where the app's packages are not installed.
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from knowledge.text import fold

LEXICON = Path(__file__).resolve().parent / "corpus" / "crisis.yml"


@dataclass(frozen=True)
class Crisis:
    kind: str  # suicide, overdose, child, child_other or violence
    lines: tuple[str, ...]  # catalogue service ids of the lines to show, first first
    matched: str  # the folded words that matched, for tests and logs


class CrisisDetector:
    def __init__(
        self, kinds: dict[str, tuple[tuple[str, ...], list[re.Pattern[str]]]], cancel: list[str]
    ) -> None:
        self.kinds = kinds
        self.cancel = [re.compile(p) for p in cancel]

    @classmethod
    def from_file(cls, path: Path = LEXICON) -> "CrisisDetector":
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        kinds = {
            name: (tuple(spec["lines"]), [re.compile(p) for p in spec["patterns"]])
            for name, spec in data["kinds"].items()
        }
        return cls(kinds, list(data.get("not_crisis") or []))

    def detect(self, message: str) -> Crisis | None:
        """The first kind whose pattern matches, unless the message is about a topic or a joke."""
        folded = fold(message or "")
        if not folded:
            return None
        if any(p.search(folded) for p in self.cancel):
            return None
        for kind, (lines, patterns) in self.kinds.items():
            for pattern in patterns:
                found = pattern.search(folded)
                if found:
                    return Crisis(kind, lines, found.group(0))
        return None


@lru_cache(maxsize=1)
def get_detector() -> CrisisDetector:
    return CrisisDetector.from_file()
