"""Conversation-level evaluation through the real running stack (make eval).

Two sets: bot/eval/conversations.yml (themes, several problems at once, crises, hard negatives,
out of scope; written blind to the NLU data) and knowledge/eval/devset.yml (200 everyday
questions with the themes that fit). Each case is a fresh conversation; when the bot asks for
the municipality, the simulated person presses the button for theirs (or "ved ikke").
"""

import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from actions.cards import has_door
from knowledge.language import detect, language_metadata
from stack.conversation import Reply, choose_kommune, send
from stack.settings import PROJECT_DIR

CONVERSATIONS = PROJECT_DIR / "bot" / "eval" / "conversations.yml"
# Written blind after everything was tuned; the crisis net's thresholds were chosen on it since,
# so it is a dev set now (bot/eval/README.md). The blind crisis set is run by stack/crisis_eval.py.
HELDOUT = PROJECT_DIR / "bot" / "eval" / "heldout.yml"
DEVSET = PROJECT_DIR / "knowledge" / "eval" / "devset.yml"
# English and five other languages, written blind: each case names the language it is in.
LANGUAGES = PROJECT_DIR / "bot" / "eval" / "languages.yml"
LINE_NUMBERS = {
    "112": "112",
    "livslinien": "70 201 201",
    "lev-uden-vold": "1888",
    "boernetelefonen": "116 111",
}
BARS = {
    "theme_accuracy": 0.9,
    "crisis_recall": 1.0,
    "false_crisis_hard_negatives": 0.02,
    "out_of_scope_recognised": 0.9,
    "human_door": 1.0,
}


@dataclass
class Outcome:
    id: str
    kind: str
    themes: list[str]
    expected: dict[str, Any]
    crisis_first: bool = False  # the first text of the reply to some turn gave 112
    crisis: bool = False
    line_shown: bool = False
    out_of_scope: bool = False
    door: bool = False
    language_found: bool = True  # the language detected is the one the case is written in
    transcript: list[str] = field(default_factory=list)


def converse(rasa_url: str, case: dict[str, Any]) -> Outcome:
    sender = f"eval-{uuid.uuid4().hex[:12]}"
    expected = dict(case.get("expect") or {})
    outcome = Outcome(case["id"], case["kind"], [], expected)
    last: Reply | None = None
    # As the app does: the language of the first message that shows one, kept after that.
    writes: str | None = None
    for turn in case["turns"]:
        writes = writes or detect(turn)
        metadata = language_metadata(writes or "da")
        reply = send(rasa_url, sender, turn, metadata)
        outcome.transcript += [f"> {turn}", *reply.texts]
        if reply.asks_kommune:
            reply = send(rasa_url, sender, choose_kommune(case.get("kommune")), metadata)
            outcome.transcript += [f"> [{case.get('kommune') or 'ved ikke'}]", *reply.texts]
        if reply.crisis and reply.texts and "112" in reply.texts[0]:
            outcome.crisis_first = True
            line = LINE_NUMBERS.get(str(expected.get("line")), "112")
            outcome.line_shown = outcome.line_shown or line in " ".join(reply.texts)
        outcome.crisis = outcome.crisis or reply.crisis
        outcome.door = outcome.door or any(has_door(s) for s in reply.services)
        last = reply
    if last is not None:
        outcome.themes = last.themes
        outcome.out_of_scope = last.out_of_scope
    outcome.language_found = (writes or "da") == case.get("language", "da")
    return outcome


def devset_cases() -> list[dict[str, Any]]:
    data = yaml.safe_load(DEVSET.read_text(encoding="utf-8"))
    return [
        {
            "id": q["id"],
            "kind": "devset",
            "kommune": q.get("kommune"),
            "turns": [q["q"]],
            "expect": {"themes": q["themes"]},
        }
        for q in data["questions"]
    ]


def rate(hits: list[bool]) -> float | None:
    """The share of hits; None when a set has no case of this kind."""
    return sum(hits) / len(hits) if hits else None


def summarise(outcomes: list[Outcome]) -> dict[str, Any]:
    by: dict[str, list[Outcome]] = {}
    for o in outcomes:
        by.setdefault(o.kind, []).append(o)
    single = by.get("theme", []) + by.get("devset", [])
    figures = {
        "theme_accuracy_conversations": rate(
            [bool(o.themes) and o.themes[0] in o.expected["themes"] for o in by.get("theme", [])]
        ),
        "theme_accuracy_devset": rate(
            [bool(o.themes) and o.themes[0] in o.expected["themes"] for o in by.get("devset", [])]
        ),
        "theme_accuracy": rate(
            [bool(o.themes) and o.themes[0] in o.expected["themes"] for o in single]
        ),
        "multi_all_themes": rate(
            [set(o.expected["themes"]) <= set(o.themes) for o in by.get("multi", [])]
        ),
        "multi_theme_recall": rate(
            [t in o.themes for o in by.get("multi", []) for t in o.expected["themes"]]
        ),
        "crisis_recall": rate([o.crisis_first for o in by.get("crisis", [])]),
        "crisis_right_line": rate([o.line_shown for o in by.get("crisis", [])]),
        "false_crisis_hard_negatives": rate([o.crisis for o in by.get("hard_negative", [])]),
        "false_crisis_all_other": rate([o.crisis for o in outcomes if o.kind != "crisis"]),
        "out_of_scope_recognised": rate([o.out_of_scope for o in by.get("out_of_scope", [])]),
        "out_of_scope_hard_negatives": rate(
            [o.out_of_scope for o in by.get("hard_negative", []) if o.expected.get("out_of_scope")]
        ),
        "needs_taken_as_out_of_scope": rate([o.out_of_scope for o in single + by.get("multi", [])]),
        "human_door": rate([o.door for o in outcomes]),
        "language_detected": rate([o.language_found for o in outcomes]),
        "cases": {kind: len(items) for kind, items in sorted(by.items())},
    }
    return figures


def misses(outcomes: list[Outcome]) -> list[dict[str, Any]]:
    wrong = []
    for o in outcomes:
        bad = (
            (
                o.kind in ("theme", "devset")
                and (not o.themes or o.themes[0] not in o.expected["themes"])
            )
            or (o.kind == "multi" and not set(o.expected["themes"]) <= set(o.themes))
            or (o.kind == "crisis" and not o.crisis_first)
            or (o.kind != "crisis" and o.crisis)
            or (o.kind == "out_of_scope" and not o.out_of_scope)
            or not o.door
        )
        if bad:
            wrong.append(asdict(o))
    return wrong


def evaluate(rasa_url: str, out_dir: Path, workers: int = 4) -> dict[str, dict[str, Any]]:
    """Figures for the development cases and, side by side, the held-out ones."""
    sets = {"dev": yaml.safe_load(CONVERSATIONS.read_text(encoding="utf-8")) + devset_cases()}
    if HELDOUT.exists():
        sets["heldout"] = yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))
    if LANGUAGES.exists():
        languages = yaml.safe_load(LANGUAGES.read_text(encoding="utf-8"))
        sets["english"] = [c for c in languages if c.get("language") == "en"]
        sets["other"] = [c for c in languages if c.get("language") != "en"]
    results: dict[str, dict[str, Any]] = {}
    wrong: dict[str, list[dict[str, Any]]] = {}
    with ThreadPoolExecutor(workers) as pool:
        for name, cases in sets.items():
            outcomes = list(pool.map(lambda c: converse(rasa_url, c), cases))
            results[name] = summarise(outcomes)
            wrong[name] = misses(outcomes)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "dialogue_eval.json").write_text(json.dumps(results, indent=2) + "\n")
    (out_dir / "dialogue_misses.json").write_text(
        json.dumps(wrong, indent=1, ensure_ascii=False) + "\n"
    )
    return results


def meets_bars(figures: dict[str, Any]) -> bool:
    return all(
        figures[key] is not None
        and (figures[key] <= bar if key.startswith("false") else figures[key] >= bar)
        for key, bar in BARS.items()
    )


def report(results: dict[str, dict[str, Any]]) -> str:
    """One line per figure: development set, held-out set, and the bar (checked on dev)."""
    names = list(results)
    lines = [f"{'figure':32s}" + "".join(f"{n:>9s}" for n in names) + "   bar"]
    for key in results["dev"]:
        if key == "cases":
            continue
        values = "".join(
            f"{results[n][key]:9.3f}" if results[n].get(key) is not None else f"{'-':>9s}"
            for n in names
        )
        bar = BARS.get(key)
        mark = ""
        if bar is not None:
            lower_is_better = key.startswith("false")
            value = results["dev"][key]
            ok = value is not None and (value <= bar if lower_is_better else value >= bar)
            sign = "<=" if lower_is_better else ">="
            mark = f"   {sign} {bar}  {'ok' if ok else 'BELOW'}"
        lines.append(f"{key:32s}{values}{mark}")
    for name in names:
        lines.append(f"cases ({name}): {results[name]['cases']}")
    return "\n".join(lines)
