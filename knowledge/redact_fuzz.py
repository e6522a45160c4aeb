"""`make redact-fuzz`: how much of each kind redaction misses on generated messages, and how many
of the project's own messages it changes that hold nothing personal.

    python -m knowledge redact-fuzz [--count 10000] [--seed 16]

The project's messages are the bot's training examples (bot/data/nlu), the evaluation sets
(bot/eval) and the crisis stage's training texts (knowledge/corpus/crisis_train). Offenders are
named by file and index only: an evaluation text is not printed, so it stays unseen.
"""

import random
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from knowledge.redact import redact
from knowledge.redact_gen import KINDS, missed, sample

PROJECT = Path(__file__).resolve().parent.parent
MESSAGE_FILES = (
    "bot/data/nlu/**/*.yml",
    "bot/eval/**/*.yml",
    "knowledge/corpus/crisis_train/*.yml",
)
# Rasa's entity markup in training examples: [text]{"entity": ...} or [text](entity).
_ENTITY = re.compile(r"\[([^\]]*)\](?:\{[^}]*\}|\([^)]*\))")


def _texts(data: Any) -> list[str]:
    """Every message a person would write in one YAML document, in order."""
    found: list[str] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "examples" and isinstance(value, str):
                lines = (line.strip() for line in value.splitlines())
                found += [_ENTITY.sub(r"\1", x[2:]) for x in lines if x.startswith("- ")]
            elif key == "text" and isinstance(value, str):
                found.append(value)
            elif key == "turns" and isinstance(value, list):
                found += [t for t in value if isinstance(t, str)]
            else:
                found += _texts(value)
    elif isinstance(data, list):
        for item in data:
            found += _texts(item)
    return found


def project_messages(root: Path = PROJECT) -> list[tuple[str, int, str]]:
    """(file, index in that file, message) for every project message."""
    import yaml

    messages = []
    for pattern in MESSAGE_FILES:
        for path in sorted(root.glob(pattern)):
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            name = str(path.relative_to(root))
            messages += [(name, i, t) for i, t in enumerate(_texts(data))]
    return messages


def false_redactions(root: Path = PROJECT) -> tuple[int, list[tuple[str, int, tuple[str, ...]]]]:
    """(how many messages were read, the ones redaction changed: file, index, kinds)."""
    messages = project_messages(root)
    changed = []
    for name, index, message in messages:
        found = redact(message)
        if found.changed:
            changed.append((name, index, found.kinds))
    return len(messages), changed


@dataclass
class Misses:
    kind: str
    tried: int = 0
    missed: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return len(self.missed) / self.tried if self.tried else 0.0


def fuzz(count: int, seed: int) -> list[Misses]:
    rng = random.Random(seed)
    results = []
    for kind in KINDS:
        found = Misses(kind)
        for _ in range(count):
            generated = sample(kind, rng)
            found.tried += 1
            if missed(redact(generated.message).text, generated.secrets):
                found.missed.append(generated.message)
        results.append(found)
    return results


def main(count: int = 10_000, seed: int = 16, show: int = 5) -> int:
    started = time.perf_counter()
    results = fuzz(count, seed)
    print(f"Generated messages ({count} of each kind, seed {seed}):")
    for found in results:
        print(f"  {found.kind:8} missed {len(found.missed):5} of {found.tried}  ({found.rate:.4%})")
        for message in found.missed[:show]:
            print(f"           {message!r}")
    read, changed = false_redactions()
    rate = len(changed) / read if read else 0.0
    print(f"Project messages: {len(changed)} of {read} changed ({rate:.4%})")
    for name, index, kinds in changed:
        print(f"  {name} #{index}: {', '.join(kinds)}")
    print(f"({time.perf_counter() - started:.1f} s)")
    return 1 if any(r.missed for r in results) else 0
