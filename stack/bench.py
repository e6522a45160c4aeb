"""Speed and memory of the conversational stack (make bench), printed side by side.

Training: `rasa train` from nothing (empty cache) and after a one-line change to the NLU data.
Latency: Rasa's bare /model/parse, and a full turn through the REST channel with the action
server and the knowledge base, in the same run; the ratio says what the actions cost. Then the
web app (stack/web_bench.py): /api/chat against parse with 1 and 20 sessions at once, and the
widget's weight. Memory: resident set size of each process after the turns.
"""

import os
import shutil
import statistics
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from stack.conversation import parse, send
from stack.model import rasa_env, train_command
from stack.settings import StackSettings
from stack.supervisor import Supervisor
from stack.web_bench import latency, widget_weight
from stack.web_bench import report as web_report

QUESTIONS = [
    "jeg har ingen steder at sove",
    "min søn drikker for meget",
    "jeg har gæld til inkasso",
    "jeg er så ensom",
    "min kæreste slår mig nogle gange",
    "skal snart løslades",
]


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(1000 * statistics.median(ordered), 1),
        "p95_ms": round(1000 * ordered[int(0.95 * (len(ordered) - 1))], 1),
    }


def add_example(path: Path, example: str) -> None:
    """One more example at the end of an NLU file, indented like the last one."""
    text = path.read_text(encoding="utf-8").rstrip("\n")
    last = text.splitlines()[-1]
    indent = last[: len(last) - len(last.lstrip())]
    path.write_text(f"{text}\n{indent}- {example}\n", encoding="utf-8")


def time_training(settings: StackSettings) -> dict[str, float]:
    """Seconds for `rasa train` with an empty cache, then after one new NLU example."""
    work = Path(tempfile.mkdtemp(prefix="alledore-bench-"))
    try:
        bot = work / "bot"
        shutil.copytree(
            settings.bot_dir, bot, ignore=shutil.ignore_patterns(".rasa", "__pycache__")
        )
        env = rasa_env(settings) | {"RASA_CACHE_DIRECTORY": str(work / "cache")}
        env["PYTHONPATH"] = f"{settings.bot_dir.parent}{os.pathsep}{bot}"
        command = train_command(settings, work / "m", "bench")
        figures = {}
        for label in ("train_from_nothing_s", "train_after_one_line_s"):
            if label == "train_after_one_line_s":
                add_example(
                    bot / "data" / "nlu" / "bolig.yml", "har ikke noget sted at bo i morgen"
                )
            start = time.perf_counter()
            done = subprocess.run(command, cwd=bot, env=env, capture_output=True, text=True)
            if done.returncode != 0:
                raise RuntimeError(
                    f"rasa train failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
                )
            figures[label] = round(time.perf_counter() - start, 1)
        return figures
    finally:
        shutil.rmtree(work, ignore_errors=True)


def timed(call: Any, rounds: int) -> list[float]:
    samples = []
    for i in range(rounds):
        start = time.perf_counter()
        call(QUESTIONS[i % len(QUESTIONS)])
        samples.append(time.perf_counter() - start)
    return samples


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def run_bench(rounds: int = 100, train: bool = True) -> dict[str, Any]:
    base = StackSettings()
    var = Path(tempfile.mkdtemp(prefix="alledore-bench-var-"))
    settings = StackSettings(rasa_port=25005, actions_port=25055, app_port=28000, var_dir=var)
    figures: dict[str, Any] = time_training(base) if train else {}
    supervisor = Supervisor(settings)
    supervisor.start()
    try:
        start = time.perf_counter()
        supervisor.wait_healthy()
        figures["stack_ready_s"] = round(time.perf_counter() - start, 1)
        # Warm up: the first turn loads the index and the embedding model.
        send(settings.rasa_url, "warm-up", QUESTIONS[0], {"kommune": "svendborg"})
        parse_times = timed(lambda q: parse(settings.rasa_url, settings.rasa_token, q), rounds)
        turn_times = timed(
            lambda q: send(
                settings.rasa_url, f"b-{uuid.uuid4().hex[:8]}", q, {"kommune": "svendborg"}
            ),
            rounds,
        )
        figures["parse"] = percentiles(parse_times)
        figures["full_turn"] = percentiles(turn_times)
        figures["full_turn_vs_parse_p50"] = round(
            figures["full_turn"]["p50_ms"] / figures["parse"]["p50_ms"], 2
        )
        figures["web"] = latency(settings, percentiles)
        figures["rss_mb"] = {
            p.name: rss_mb(p.popen.pid) for p in supervisor.running if p.popen is not None
        }
    finally:
        supervisor.stop()
        shutil.rmtree(var, ignore_errors=True)
    figures["web"] |= widget_weight()
    return figures


def report(figures: dict[str, Any]) -> str:
    lines = []
    for key in ("train_from_nothing_s", "train_after_one_line_s", "stack_ready_s"):
        if key in figures:
            lines.append(f"{key:28s}{figures[key]:>8}")
    lines.append(f"{'':28s}{'p50 ms':>8}{'p95 ms':>8}")
    for key in ("parse", "full_turn"):
        lines.append(f"{key:28s}{figures[key]['p50_ms']:>8}{figures[key]['p95_ms']:>8}")
    lines.append(f"{'full turn / parse (p50)':28s}{figures['full_turn_vs_parse_p50']:>8}")
    for name, mb in figures["rss_mb"].items():
        lines.append(f"{'rss ' + name + ' (MB)':28s}{mb:>8}")
    lines += web_report(figures["web"])
    return "\n".join(lines)
