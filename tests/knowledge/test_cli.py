"""The CLI as another tool drives it: a real subprocess, a real index."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from knowledge.settings import KnowledgeSettings

ROOT = Path(__file__).resolve().parents[2]


def run(
    real_settings: KnowledgeSettings,
    *args: str,
    stdin: str = "",
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "ALLEDORE_INDEX_DIR": str(real_settings.index_dir),
        "HF_HUB_OFFLINE": "1",
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "knowledge", *args],
        input=stdin, capture_output=True, text=True, cwd=ROOT, env=env, timeout=120, check=False,
    )  # fmt: skip


def test_search_json_has_the_public_shape(searcher, real_settings) -> None:
    out = run(
        real_settings, "search", "jeg har ingen steder at sove", "--kommune", "faxe", "--json"
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) == {"results", "no_good_match"}
    first = data["results"][0]
    assert first["kind"] == "service" and first["source"] is None
    for key in ("id", "name", "kommune", "themes", "phone", "address", "url", "open_now"):
        assert key in first["service"]
    policy = [r for r in data["results"] if r["kind"] == "policy"]
    assert policy and {"kommune", "document", "section", "excerpt"} <= set(policy[0]["source"])


def test_jsonl_answers_every_line_even_bad_ones(searcher, real_settings) -> None:
    lines = [
        json.dumps({"q": "gæld til inkasso", "kommune": "norddjurs", "k": 2}),
        "this is not json",
        json.dumps({"q": "   "}),
        json.dumps({"q": "hjemløs", "kommune": "aarhus"}),
        json.dumps(["a list"]),
    ]
    out = run(real_settings, "search", "--jsonl", stdin="\n".join(lines) + "\n")
    assert out.returncode == 0, out.stderr
    answers = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(answers) == 5
    assert len(answers[0]["results"]) >= 2 and "error" not in answers[0]
    assert all("error" in a and a["results"] == [] for a in answers[1:])
    assert "aarhus" in answers[3]["error"]


def test_empty_query_gets_a_kind_message_not_a_traceback(searcher, real_settings) -> None:
    out = run(real_settings, "search", "   ")
    assert out.returncode == 2
    assert "Traceback" not in out.stderr and "Skriv et par ord" in out.stderr


def test_validate_lists_unverified_facts_per_municipality(real_settings) -> None:
    out = run(real_settings, "validate")
    assert out.returncode == 0, out.stderr
    assert "Catalogue OK" in out.stdout
    for slug in ("nyborg", "svendborg", "faxe", "norddjurs", "jammerbugt", "national"):
        assert f"\n{slug}:" in out.stdout
    assert "ERROR" not in out.stdout  # every front door has a checked phone


def test_validate_fails_when_a_front_door_has_no_phone(real_settings, tmp_path: Path) -> None:
    catalogue = tmp_path / "catalogue"
    shutil.copytree(real_settings.catalogue_dir, catalogue)
    path = catalogue / "nyborg.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for service in data["services"]:
        if service["front_door"]:
            service["phones"] = []
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = run(real_settings, "validate", env={"ALLEDORE_CATALOGUE_DIR": str(catalogue)})
    assert out.returncode == 1
    assert "the front door of nyborg has no verified phone number" in out.stdout
    assert "Traceback" not in out.stderr
