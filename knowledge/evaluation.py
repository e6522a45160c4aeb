"""Retrieval quality on the hand-written development set, and calibration of "no good match".

A returned service answers a question when it is one of the expected services, or when one of its
themes is among the question's acceptable themes. Top-1, top-3 and MRR (over the first 10) are
reported for dense, lexical and hybrid search side by side, from the same run.
"""

import json
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from knowledge.index import background_queries
from knowledge.search import Method, Searcher
from knowledge.settings import KnowledgeSettings

METHODS: tuple[Method, ...] = ("dense", "lexical", "hybrid")
DEPTH = 10


def load_devset(path: Path) -> list[dict[str, Any]]:
    questions = yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
    return [q for q in questions if q.get("q")]


def relevant(service: dict[str, Any], question: dict[str, Any]) -> bool:
    if service["id"] in (question.get("services") or []):
        return True
    return bool(set(service["themes"]) & set(question["themes"]))


def evaluate(searcher: Searcher, questions: list[dict[str, Any]], method: Method) -> dict[str, Any]:
    top1 = top3 = 0
    rr = 0.0
    expected_hit3 = expected_total = 0
    misses: list[str] = []
    for question in questions:
        response = searcher.search(
            question["q"], question.get("kommune"), k=DEPTH, passages=0, method=method
        )
        services = response.services
        ranks = [i for i, s in enumerate(services) if relevant(s, question)]
        first = ranks[0] if ranks else None
        top1 += first == 0
        top3 += first is not None and first < 3
        rr += 1 / (first + 1) if first is not None else 0.0
        if first != 0:
            got = services[0]["id"] if services else "-"
            misses.append(f"{question['id']} {question['q'][:60]!r} {question['themes']} -> {got}")
        if question.get("services"):
            expected_total += 1
            expected_hit3 += any(s["id"] in question["services"] for s in services[:3])
    n = len(questions)
    return {
        "method": method,
        "questions": n,
        "top1": top1 / n,
        "top3": top3 / n,
        "mrr": rr / n,
        "expected_service_top3": expected_hit3 / expected_total if expected_total else None,
        "expected_service_questions": expected_total,
        "misses": misses,
    }


def evaluate_all(searcher: Searcher, questions_file: Path, background: list[str]) -> dict[str, Any]:
    questions = load_devset(questions_file)
    return {
        "set": questions_file.name,
        "model": searcher.embedder.name,
        "methods": [evaluate(searcher, questions, m) for m in METHODS],
        "no_good_match": no_match_rates(searcher, questions, background),
    }


def no_match_rates(
    searcher: Searcher, questions: list[dict[str, Any]], out: list[str]
) -> dict[str, Any]:
    in_scope = sum(
        searcher.search(q["q"], q.get("kommune"), k=1, passages=0).no_good_match for q in questions
    )
    caught = sum(searcher.search(q, None, k=1, passages=0).no_good_match for q in out)
    return {
        "calibrated": searcher.thresholds is not None,
        "in_scope_flagged": in_scope / len(questions),
        "out_of_scope_flagged": caught / len(out) if out else None,
    }


def print_table(report: dict[str, Any], misses: bool = False) -> None:
    print(f"Retrieval on {report['set']} ({report['model']}), services only:")
    print(f"{'method':<9} {'n':>4} {'top-1':>7} {'top-3':>7} {'MRR':>7} {'expected@3':>11}")
    for row in report["methods"]:
        exp = row["expected_service_top3"]
        exp_text = f"{exp:.3f}" if exp is not None else "-"
        print(
            f"{row['method']:<9} {row['questions']:>4} {row['top1']:>7.3f} {row['top3']:>7.3f}"
            f" {row['mrr']:>7.3f} {exp_text:>11}"
        )
    nm = report["no_good_match"]
    print(
        f"no_good_match ({'calibrated' if nm['calibrated'] else 'NOT calibrated'}):"
        f" flags {nm['in_scope_flagged']:.1%} of these questions and"
        f" {nm['out_of_scope_flagged']:.1%} of the background (out-of-scope) questions"
    )
    hybrid = next(r for r in report["methods"] if r["method"] == "hybrid")
    if misses and hybrid["misses"]:
        print("\nHybrid top-1 misses:")
        for miss in hybrid["misses"]:
            print("  " + miss)


def _signals(searcher: Searcher, query: str, kommune: str | None) -> tuple[float, float]:
    signals = searcher.search(query, kommune, k=1, passages=0).signals
    return signals.get("dense", 0.0), signals.get("lexical", 0.0)


def calibrate(
    searcher: Searcher, settings: KnowledgeSettings, keep: float = 0.99
) -> dict[str, float]:
    """Pick thresholds under which at most 1 - `keep` of in-scope questions fall on both scores.

    Writes them into the calibration file under the model's name and prints what they do.
    """
    questions = load_devset(settings.devset_file)
    inside = np.array([_signals(searcher, q["q"], q.get("kommune")) for q in questions])
    outside = np.array([_signals(searcher, q, None) for q in background_queries(settings)])
    best: tuple[float, float, float] = (0.0, 0.0, -1.0)
    for dense_t in np.quantile(inside[:, 0], np.linspace(0, 0.2, 41)):
        for lexical_t in np.quantile(inside[:, 1], np.linspace(0, 0.2, 41)):
            false_flags = np.mean((inside[:, 0] < dense_t) & (inside[:, 1] < lexical_t))
            if false_flags > 1 - keep:
                continue
            caught = float(np.mean((outside[:, 0] < dense_t) & (outside[:, 1] < lexical_t)))
            if caught > best[2]:
                best = (float(dense_t), float(lexical_t), caught)
    thresholds = {"dense": round(best[0], 4), "lexical": round(best[1], 4)}
    path = settings.calibration_file
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    data[searcher.embedder.name] = thresholds
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(
        f"Calibrated {searcher.embedder.name}: {thresholds}; catches {best[2]:.1%} of"
        f" out-of-scope questions, flags at most {1 - keep:.0%} of in-scope ones."
    )
    searcher.thresholds = thresholds
    return thresholds
