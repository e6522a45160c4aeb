"""The test stories (bot/tests) against the trained model, failing on any wrong prediction."""

import subprocess
from pathlib import Path

import pytest
import yaml

from stack.model import rasa_env, train
from stack.settings import get_settings

BOT = Path(__file__).resolve().parents[2] / "bot"


def test_there_are_enough_stories_covering_crisis_and_several_problems() -> None:
    stories = yaml.safe_load((BOT / "tests" / "test_stories.yml").read_text())["stories"]
    intents = [step.get("intent", "") for s in stories for step in s["steps"]]
    assert len(stories) >= 40
    assert "crisis" in intents and "out_of_scope" in intents
    assert any("+" in intent for intent in intents)
    mid_flow = [s for s in stories if "crisis" in [step.get("intent") for step in s["steps"]][1:]]
    assert len(mid_flow) >= 5


@pytest.mark.timeout(900)
def test_stories_pass_with_no_prediction_errors(tmp_path: Path) -> None:
    settings = get_settings()
    train(settings)
    result = subprocess.run(
        [
            str(settings.rasa_venv / "bin" / "rasa"),
            "test",
            "core",
            "--stories",
            "tests/test_stories.yml",
            "--model",
            str(settings.model_file),
            "--endpoints",
            "endpoints.yml",
            "--fail-on-prediction-errors",
            "--out",
            str(tmp_path),
        ],
        cwd=BOT,
        env=rasa_env(settings),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    failed = tmp_path / "failed_test_stories.yml"
    assert not failed.exists() or "story" not in failed.read_text()
