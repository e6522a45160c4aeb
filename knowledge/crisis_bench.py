"""What the crisis net costs a turn (`make bench`): the lexicon alone, both stages, and a bare
e5 query embedding beside them in the same run, over the dev set's turns.

The learned stage embeds each message once (knowledge/crisis_model.embed keeps recent vectors),
so "both, new text" is what a turn pays; "both, same text again" is what a second reader pays.
"""

import statistics
import time
from collections.abc import Callable
from typing import Any

from knowledge.crisis import get_detector
from knowledge.crisis_model import embed
from knowledge.crisis_sets import dev_cases


def _timed(run: Callable[[str], Any], texts: list[str], fresh: bool) -> dict[str, float]:
    """Each text once; `fresh`: with no vector kept, else with its own vector already kept."""
    samples = []
    for text in texts:
        if fresh:
            embed.cache_clear()
        else:
            run(text)
        started = time.perf_counter()
        run(text)
        samples.append(time.perf_counter() - started)
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50_ms": round(statistics.median(ordered) * 1000, 2), "p95_ms": round(p95 * 1000, 2)}


def measure() -> dict[str, Any]:
    detector = get_detector()
    texts = [turn for case in dev_cases() for turn in case.turns]
    detector.detect(texts[0])  # loads the model and the lexicon
    stage = detector.stage
    figures: dict[str, Any] = {"turns": len(texts)}
    figures["lexicon"] = _timed(detector.lexicon, texts, fresh=False)
    if stage is not None:
        figures["bare_embedding"] = _timed(lambda t: embed(t), texts, fresh=True)
        figures["both_new_text"] = _timed(detector.detect, texts, fresh=True)
        figures["both_same_text"] = _timed(detector.detect, texts, fresh=False)
    return figures


def print_figures(figures: dict[str, Any]) -> None:
    print(f"Crisis net, {figures['turns']} dev turns, one at a time")
    for name in ("lexicon", "bare_embedding", "both_new_text", "both_same_text"):
        if name in figures:
            row = figures[name]
            print(f"  {name:<16} p50 {row['p50_ms']:7.2f} ms  p95 {row['p95_ms']:7.2f} ms")
