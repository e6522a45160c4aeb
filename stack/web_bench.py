"""The web app's share of the benchmark: /api/chat against bare Rasa parsing (the baseline) and
the same conversation sent straight to Rasa's REST channel (what the app adds), in the same run,
with 1 and with 20 sessions at once; and the widget's weight against rasa-webchat's bundle."""

import gzip
import json
import subprocess
import tarfile
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from stack.conversation import parse, send
from stack.settings import PROJECT_DIR, StackSettings

STATIC = PROJECT_DIR / "widgets" / "static"
WIDGET_FILES = ("widget.js", "widget.css")
# What a session says, turn after turn: a need, more options, another need, a person.
CONVERSATION = [
    "jeg har ingen steder at sove",
    "/ask_more",
    "jeg har også gæld til inkasso",
    "kan jeg tale med et menneske",
    "min kæreste slår mig nogle gange",
]


def post(url: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        answer: dict[str, Any] = json.loads(response.read())
    return answer


def chat_session(settings: StackSettings, turns: int) -> list[float]:
    """One session holding a conversation through /api/chat; the time of each turn."""
    samples, session = [], None
    for i in range(turns):
        start = time.perf_counter()
        reply = post(
            f"{settings.app_url}/api/chat",
            {
                "session_id": session,
                "message": CONVERSATION[i % len(CONVERSATION)],
                "kommune": "svendborg",
            },
        )
        samples.append(time.perf_counter() - start)
        session = reply["session_id"]
    return samples


def rest_session(settings: StackSettings, turns: int) -> list[float]:
    """The same conversation straight to Rasa's REST channel: what the app itself adds."""
    samples, sender = [], f"bench-{time.monotonic_ns()}"
    for i in range(turns):
        start = time.perf_counter()
        send(
            settings.rasa_url, sender, CONVERSATION[i % len(CONVERSATION)], {"kommune": "svendborg"}
        )
        samples.append(time.perf_counter() - start)
    return samples


def parse_session(settings: StackSettings, turns: int) -> list[float]:
    """The baseline: Rasa's /model/parse alone, the same messages."""
    samples = []
    for i in range(turns):
        start = time.perf_counter()
        parse(settings.rasa_url, settings.rasa_token, CONVERSATION[i % len(CONVERSATION)])
        samples.append(time.perf_counter() - start)
    return samples


def concurrent(
    run: Any, settings: StackSettings, sessions: int, turns: int
) -> tuple[list[float], float]:
    """All samples from `sessions` sessions at once, and the requests answered a second."""
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=sessions) as pool:
        results = list(pool.map(lambda _: run(settings, turns), range(sessions)))
    elapsed = time.perf_counter() - start
    samples = [s for r in results for s in r]
    return samples, round(len(samples) / elapsed, 1)


def latency(settings: StackSettings, percentiles: Any) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for sessions, turns in ((1, 60), (20, 10)):
        runs = (("parse", parse_session), ("rasa_rest", rest_session), ("api_chat", chat_session))
        for name, run in runs:
            samples, rate = concurrent(run, settings, sessions, turns)
            figures[f"{name}_{sessions}"] = percentiles(samples) | {"per_s": rate}
        figures[f"api_chat_vs_parse_p50_{sessions}"] = round(
            figures[f"api_chat_{sessions}"]["p50_ms"] / figures[f"parse_{sessions}"]["p50_ms"], 2
        )
    return figures


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9))


def widget_weight() -> dict[str, Any]:
    """Bytes gzipped (level 9): our widget's JS + CSS, and rasa-webchat's published bundle
    (its package's main file, lib/index.js, which carries its CSS too) measured the same way."""
    ours = sum(gzipped((STATIC / name).read_bytes()) for name in WIDGET_FILES)
    figures: dict[str, Any] = {"widget_gzip_bytes": ours}
    with tempfile.TemporaryDirectory(prefix="alledore-webchat-") as work:
        packed = subprocess.run(
            ["npm", "pack", "rasa-webchat", "--silent"],
            cwd=work,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if packed.returncode != 0:
            figures["rasa_webchat_error"] = packed.stderr.strip()[-300:]
            return figures
        tarball = Path(work) / packed.stdout.strip().splitlines()[-1]
        with tarfile.open(tarball) as archive:
            meta = json.load(archive.extractfile("package/package.json"))  # type: ignore[arg-type]
            main = archive.extractfile(f"package/{meta['main']}")
            assert main is not None
            figures["rasa_webchat"] = f"rasa-webchat {meta['version']} {meta['main']}"
            figures["rasa_webchat_gzip_bytes"] = gzipped(main.read())
    figures["widget_vs_rasa_webchat"] = round(ours / figures["rasa_webchat_gzip_bytes"], 3)
    return figures


def report(figures: dict[str, Any]) -> list[str]:
    lines = [f"{'':28s}{'p50 ms':>8}{'p95 ms':>8}{'req/s':>8}"]
    for sessions in (1, 20):
        for name in ("parse", "rasa_rest", "api_chat"):
            row = figures[f"{name}_{sessions}"]
            label = f"{name} ({sessions} session{'s' if sessions > 1 else ''})"
            lines.append(f"{label:28s}{row['p50_ms']:>8}{row['p95_ms']:>8}{row['per_s']:>8}")
        lines.append(
            f"{'/api/chat / parse (p50)':28s}{figures[f'api_chat_vs_parse_p50_{sessions}']:>8}"
        )
    if "widget_gzip_bytes" in figures:
        lines.append(f"{'widget js+css gzip (bytes)':28s}{figures['widget_gzip_bytes']:>8}")
    if "rasa_webchat_gzip_bytes" in figures:
        lines.append(
            f"{'rasa-webchat gzip (bytes)':28s}{figures['rasa_webchat_gzip_bytes']:>8}"
            f"  ({figures['rasa_webchat']})"
        )
        lines.append(f"{'widget / rasa-webchat':28s}{figures['widget_vs_rasa_webchat']:>8}")
    return lines
