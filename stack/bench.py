"""make bench: every figure in one run, side by side, written to docs/bench/ and printed.

First what needs no running stack, each measurement alone on the machine: the knowledge base
(index build, search speed), retrieval quality for dense, lexical and hybrid, `rasa train` from
nothing and after a one-line change, and the time to create each environment. Then the stack
starts (time to ready) and the load driver (stack/load.py) holds conversations at 1, 10 and 50
sessions against three targets: Rasa's bare /model/parse (the baseline), Rasa's REST channel
with the action server (a full turn) and the app's /api/chat (what a citizen waits for). Then the
resident memory of each process, a soak (10 sessions for 10 minutes, memory sampled throughout),
and the widget's weight beside rasa-webchat's. stack/bench_report.py writes the report.
"""

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from knowledge.bench import measure as knowledge_figures
from knowledge.crisis_bench import measure as crisis_figures
from knowledge.evaluation import evaluate_all
from knowledge.index import background_queries
from knowledge.search import open_searcher
from knowledge.settings import get_settings as knowledge_settings
from stack.bench_stats import ratio
from stack.load import TARGETS, Target, make_target, run_load
from stack.model import rasa_env, train_command
from stack.settings import PROJECT_DIR, StackSettings
from stack.soak import soak, tree_rss_mb
from stack.supervisor import Supervisor
from stack.web_bench import widget_weight

SESSIONS = (1, 10, 50)
# Seconds of load for each target; the cheap baseline needs less time for as many samples.
LOAD_SECONDS = {"parse": 10.0, "rasa_rest": 20.0, "api_chat": 30.0}
# The acceptance run: 50 sessions through the app for 60 s, with no errors.
API_CHAT_50_SECONDS = 60.0
SHORT_SECONDS = 5.0
SOAK_SESSIONS = 10
# All load comes from 127.0.0.1: the bench measures capacity, so the app's limits are off.
RATE_LIMITS_OFF = {"ALLEDORE_RATE_SESSION_PER_MINUTE": "0", "ALLEDORE_RATE_ADDRESS_PER_MINUTE": "0"}


@dataclass
class BenchOptions:
    soak_minutes: float = 10.0
    short: bool = False  # every load run SHORT_SECONDS long: for development, not for figures
    train: bool = True
    venvs: bool = True
    out: Path = PROJECT_DIR / "docs" / "bench"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The bench's own flags on `python -m stack`'s command line."""
    parser.add_argument("--soak-minutes", type=float, default=10.0, help="bench: soak length")
    parser.add_argument(
        "--short", action="store_true", help=f"bench: every load run {SHORT_SECONDS:g} s"
    )
    parser.add_argument("--skip-train", action="store_true", help="bench: no training times")
    parser.add_argument(
        "--skip-venvs", action="store_true", help="bench: do not time creating the environments"
    )
    parser.add_argument("--out", type=Path, default=BenchOptions.out, help="bench: report folder")


def options_from(args: argparse.Namespace) -> BenchOptions:
    return BenchOptions(
        soak_minutes=args.soak_minutes,
        short=args.short,
        train=not args.skip_train,
        venvs=not args.skip_venvs,
        out=args.out,
    )


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


def base_python(venv: Path) -> str:
    """The interpreter a venv was made from (its pyvenv.cfg names the folder and the version)."""
    config = dict(
        line.split(" = ", 1)
        for line in (venv / "pyvenv.cfg").read_text().splitlines()
        if " = " in line
    )
    major_minor = ".".join(config["version"].split(".")[:2])
    return f"{config['home']}/python{major_minor}"


def time_venvs(settings: StackSettings) -> dict[str, Any]:
    """Seconds to make each environment the way the Makefile does, in a temporary folder, with
    pip's cache and the machine's package indexes as they are. One that fails is reported, and
    the rest of the bench goes on."""
    requirements = PROJECT_DIR / "requirements"
    steps = {
        "venv_app_s": (
            base_python(settings.app_venv),
            [
                # torch first and alone, as the Makefile does (the local CPU build).
                ["torch==2.13.0"],
                ["-r", str(requirements / "app.txt"), "-r", str(requirements / "dev.txt")],
            ],
        ),
        "venv_rasa_s": (
            base_python(settings.rasa_venv),
            [["rasa==3.6.21", "-c", str(requirements / "rasa-constraints.txt")]],
        ),
    }
    figures: dict[str, Any] = {}
    for label, (python, installs) in steps.items():
        with tempfile.TemporaryDirectory(prefix="alledore-venv-") as work:
            venv = Path(work) / "venv"
            pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
            commands = [[python, "-m", "venv", str(venv)], [*pip, "--upgrade", "pip"]]
            commands += [[*pip, *install] for install in installs]
            start = time.perf_counter()
            for command in commands:
                done = subprocess.run(command, capture_output=True, text=True)
                if done.returncode != 0:
                    figures[label.removesuffix("_s") + "_error"] = done.stderr.strip()[-300:]
                    break
            else:
                figures[label] = round(time.perf_counter() - start, 1)
    return figures


def retrieval_quality() -> list[dict[str, Any]]:
    """What `python -m knowledge eval` computes, for the development and held-out sets; the
    misses are counted, not listed (`python -m knowledge eval --misses` lists them)."""
    settings = knowledge_settings()
    background = background_queries(settings)
    sets = [settings.devset_file, settings.devset_file.with_name("heldout.yml")]
    searcher = open_searcher(settings, build=True)  # as `python -m knowledge eval` opens it
    reports = [evaluate_all(searcher, path, background) for path in sets if path.exists()]
    for report in reports:
        for row in report["methods"]:
            row["misses"] = len(row["misses"])
    return reports


def machine() -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": round(memory_kb / 1024 / 1024, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        # Others may share the machine: the load before the run says how quiet it was.
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def commit() -> dict[str, Any]:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=PROJECT_DIR, capture_output=True, text=True)
        return done.stdout.strip()

    # Changes to tracked files only: the report this run writes (docs/bench/) is new by itself.
    changed = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": git("rev-parse", "HEAD"), "uncommitted_changes": bool(changed)}


def load_figures(
    targets: dict[str, Target], options: BenchOptions
) -> tuple[dict[str, Any], dict[str, list[float]]]:
    """Every target at 1, 10 and 50 sessions; each run's figures and its latencies in ms."""
    figures: dict[str, Any] = {}
    samples: dict[str, list[float]] = {}
    for sessions in SESSIONS:
        for name, target in targets.items():
            seconds = LOAD_SECONDS[name]
            if name == "api_chat" and sessions == 50:
                seconds = API_CHAT_50_SECONDS
            seconds = SHORT_SECONDS if options.short else seconds
            print(f"  load: {name} x {sessions} sessions for {seconds:g} s", flush=True)
            run = run_load(target, name, sessions, seconds)
            key = f"{name}_{sessions}"
            figures[key] = run.summary()
            samples[key] = [round(1000 * t.seconds, 1) for t in run.turns]
        parse = figures[f"parse_{sessions}"]
        for name in ("rasa_rest", "api_chat"):
            run = figures[f"{name}_{sessions}"]
            run["p50_vs_parse"] = ratio(run["p50_ms"], parse["p50_ms"])
            run["per_s_vs_parse"] = ratio(run["per_s"], parse["per_s"])
        figures[f"api_chat_{sessions}"]["p50_vs_rasa_rest"] = ratio(
            figures[f"api_chat_{sessions}"]["p50_ms"], figures[f"rasa_rest_{sessions}"]["p50_ms"]
        )
    return figures, samples


def stack_figures(options: BenchOptions) -> dict[str, Any]:
    """Start the stack on its own ports, time it to ready, load it, soak it, stop it."""
    var = Path(tempfile.mkdtemp(prefix="alledore-bench-var-"))
    # Ports of its own, beside `make run` (5005, 5055, 8000) and the tests (15005, ...).
    settings = StackSettings(rasa_port=25005, actions_port=25055, app_port=28000, var_dir=var)
    # All load comes from one address: the app's rate limits would measure themselves.
    supervisor = Supervisor(settings, RATE_LIMITS_OFF)
    figures: dict[str, Any] = {}
    try:
        start = time.perf_counter()
        supervisor.start()
        supervisor.wait_healthy()
        figures["stack_ready_s"] = round(time.perf_counter() - start, 1)
        targets = {
            name: make_target(name, settings.app_url, settings.rasa_url, settings.rasa_token)
            for name in TARGETS
        }
        # Warm up: the first turns load the index and the embedding model in each process.
        for name, target in targets.items():
            run_load(target, name, 2, 5.0)
        figures["load"], figures["latency_samples_ms"] = load_figures(targets, options)
        pids = {p.name: p.popen.pid for p in supervisor.running if p.popen is not None}
        figures["rss_after_load_mb"] = {name: tree_rss_mb(pid) for name, pid in pids.items()}
        seconds = 60 * options.soak_minutes
        print(f"  soak: api_chat x {SOAK_SESSIONS} sessions for {seconds:g} s", flush=True)
        figures["soak"] = soak(targets["api_chat"], "api_chat", SOAK_SESSIONS, seconds, pids)
    finally:
        supervisor.stop()
        shutil.rmtree(var, ignore_errors=True)
    return figures


def run_bench(options: BenchOptions) -> dict[str, Any]:
    """Every figure of the report, measured in this one run."""
    settings = StackSettings()
    figures: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        **commit(),
        "options": {
            "soak_minutes": options.soak_minutes,
            "short": options.short,
            "train": options.train,
            "venvs": options.venvs,
            "rate_limits": "off",
        },
    }
    print("Knowledge base: index build and search speed ...", flush=True)
    figures["knowledge"] = knowledge_figures(knowledge_settings())
    print("The crisis net: the lexicon, both stages, a bare embedding ...", flush=True)
    figures["crisis"] = crisis_figures()
    print("Retrieval quality: dense, lexical, hybrid ...", flush=True)
    figures["quality"] = retrieval_quality()
    setup: dict[str, Any] = {
        "index_build_s": figures["knowledge"]["index_build_s"],
        "index_incremental_s": figures["knowledge"]["index_incremental_s"],
    }
    if options.train:
        print("Training from nothing and after a one-line change ...", flush=True)
        setup |= time_training(settings)
    if options.venvs:
        print("Creating each environment in a temporary folder ...", flush=True)
        setup |= time_venvs(settings)
    print("The stack: startup, load at 1, 10 and 50 sessions, memory, soak ...", flush=True)
    stack = stack_figures(options)
    setup["stack_ready_s"] = stack.pop("stack_ready_s")
    figures["setup"] = setup
    figures |= stack
    figures["widget"] = widget_weight()
    return figures


def failures(figures: dict[str, Any]) -> list[str]:
    """The bar every load run must meet (50 sessions through /api/chat above all): no errors."""
    runs = [*figures["load"].items(), ("soak", figures["soak"]["load"])]
    return [
        f"{key}: {summary['errors']} errors {summary['error_kinds']}"
        for key, summary in runs
        if summary["errors"]
    ]


def main(options: BenchOptions) -> int:
    # matplotlib is a development package: imported here, `python -m stack run` does not need it.
    from stack.bench_report import markdown, write_report

    started = time.perf_counter()
    try:
        figures = run_bench(options)
    except RuntimeError as error:
        print(error, file=sys.stderr)
        return 1
    figures["run_minutes"] = round((time.perf_counter() - started) / 60, 1)
    figures["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    written = write_report(figures, options.out)
    print()
    print(markdown(figures, images=False))
    print("Written: " + ", ".join(str(path) for path in written))
    problems = failures(figures)
    for problem in problems:
        print(f"FAILED: {problem}", file=sys.stderr)
    return 1 if problems else 0
