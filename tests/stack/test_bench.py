"""The benchmark's one-line change keeps the NLU file valid YAML."""

from pathlib import Path

import yaml

from stack.bench import add_example, percentiles


def test_add_example_follows_the_indentation(tmp_path: Path) -> None:
    path = tmp_path / "nlu.yml"
    path.write_text('version: "3.1"\nnlu:\n  - intent: x\n    examples: |\n      - a\n      - b')
    add_example(path, "c")
    examples = yaml.safe_load(path.read_text())["nlu"][0]["examples"].splitlines()
    assert examples == ["- a", "- b", "- c"]


def test_percentiles_in_milliseconds() -> None:
    assert percentiles([0.01] * 19 + [0.1]) == {"p50_ms": 10.0, "p95_ms": 10.0}
