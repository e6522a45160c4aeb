"""The browser tests (tests/browser/*.test.mjs), in Debian's chromium, against the real stack."""

import os
import subprocess
from pathlib import Path

import pytest

from stack.supervisor import Supervisor

pytestmark = pytest.mark.stack

BROWSER_DIR = Path(__file__).resolve().parent.parent / "browser"
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "var" / "test-artifacts" / "browser"
# Every *.test.mjs there (widget, nojs, staff, csp, ...): a new suite runs without an edit here.
SUITES = sorted(path.name.removesuffix(".test.mjs") for path in BROWSER_DIR.glob("*.test.mjs"))


@pytest.mark.parametrize("suite", SUITES)
def test_in_a_real_browser(running_stack: Supervisor, suite: str) -> None:
    env = dict(os.environ)
    env.update(
        {"ALLEDORE_BASE_URL": running_stack.settings.app_url, "ALLEDORE_ARTIFACTS": str(ARTIFACTS)}
    )
    run = subprocess.run(
        ["node", "--test", "--test-reporter=spec", f"{suite}.test.mjs"],
        cwd=BROWSER_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-3000:]
