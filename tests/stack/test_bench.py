"""The benchmark's one-line change keeps the NLU file valid YAML."""

from pathlib import Path

import yaml

from stack.bench import add_example, percentiles
from stack.supervisor import Supervisor
from stack.web_bench import chat_session, gzipped, parse_session, rest_session
from stack.web_bench import report as web_report


def test_add_example_follows_the_indentation(tmp_path: Path) -> None:
    path = tmp_path / "nlu.yml"
    path.write_text('version: "3.1"\nnlu:\n  - intent: x\n    examples: |\n      - a\n      - b')
    add_example(path, "c")
    examples = yaml.safe_load(path.read_text())["nlu"][0]["examples"].splitlines()
    assert examples == ["- a", "- b", "- c"]


def test_percentiles_in_milliseconds() -> None:
    assert percentiles([0.01] * 19 + [0.1]) == {"p50_ms": 10.0, "p95_ms": 10.0}


def test_a_bench_session_holds_a_conversation_through_the_app(running_stack: Supervisor) -> None:
    samples = chat_session(running_stack.settings, 3)
    assert len(samples) == 3 and all(0 < s < 60 for s in samples)
    baseline = parse_session(running_stack.settings, 2)
    direct = rest_session(running_stack.settings, 2)
    assert len(baseline) == 2 and len(direct) == 2


def test_the_widget_weight_report_reads_side_by_side() -> None:
    lines = web_report(
        {
            f"{name}_{n}": {"p50_ms": 10.0, "p95_ms": 20.0, "per_s": 5.0}
            for name in ("parse", "rasa_rest", "api_chat")
            for n in (1, 20)
        }
        | {"api_chat_vs_parse_p50_1": 1.0, "api_chat_vs_parse_p50_20": 1.0}
        | {"widget_gzip_bytes": 9000, "rasa_webchat_gzip_bytes": 180000}
        | {"rasa_webchat": "rasa-webchat 1.0.1 lib/index.js", "widget_vs_rasa_webchat": 0.05}
    )
    assert any(line.startswith("widget / rasa-webchat") and "0.05" in line for line in lines)
    assert gzipped(b"a" * 1000) < 100
