"""First replies end at a door (`make eval`, `python -m stack door-eval`).

Every case of the first-reply sets (bot/eval/blind/first_replies.yml, written by someone who saw
neither the training data nor the dev set; bot/eval/dev/first_replies.yml beside it) is sent as
the first message of a fresh conversation through /api/chat, once per municipality and once
without one. A reply passes when it holds a phone number of a human door (for a need or an
out-of-scope question, a number other than 112); an out-of-scope answer also passes only when it
shows no service for a need the person did not state (front doors and doors for meeting the
municipality only); no crisis line may be shown with unknown hours.
"""

import json
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml

from knowledge.catalogue import dial
from knowledge.i18n import UI_LANGUAGES, text
from stack.settings import StackSettings

ROOT = Path(__file__).resolve().parent.parent
SETS = {
    "blind": ROOT / "bot" / "eval" / "blind" / "first_replies.yml",
    "dev": ROOT / "bot" / "eval" / "dev" / "first_replies.yml",
}
KOMMUNER = (None, "nyborg", "svendborg", "faxe", "norddjurs", "jammerbugt")
BARS = {"door": 1.0, "out_of_scope_clean": 0.95, "crisis_hours_unknown": 0}
EMERGENCY = "112"


@dataclass(frozen=True)
class Case:
    id: str
    kind: str  # need, crisis, out_of_scope
    language: str
    text: str


def load(path: Path) -> list[Case]:
    if not path.exists():
        return []
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [
        Case(str(c["id"]), str(c["kind"]), str(c.get("language", "da")), str(c["text"]))
        for c in raw.get("cases") or []
    ]


def phones(reply: dict[str, Any]) -> list[str]:
    """The numbers a person can dial from the reply: each service's own, or its front door's."""
    return [str(number) for s in reply.get("services") or [] if (number := dial(s))]


def judge(case: Case, reply: dict[str, Any]) -> dict[str, bool]:
    numbers = phones(reply)
    human = [n for n in numbers if n != EMERGENCY] if case.kind != "crisis" else numbers
    verdict = {"door": bool(human)}
    unknown = {text("opening.unknown", lang) for lang in UI_LANGUAGES}
    verdict["crisis_hours_unknown"] = any(
        s.get("crisis") and s.get("opening") in unknown for s in reply.get("services") or []
    )
    if case.kind == "out_of_scope":
        # A front door, or a door for meeting the municipality, is what such a question needs.
        unstated = [
            s
            for s in reply.get("services") or []
            if not s.get("front_door") and "kontakt" not in (s.get("themes") or [])
        ]
        verdict["out_of_scope_clean"] = not unstated
    return verdict


def first_reply(app_url: str, case: Case, kommune: str | None) -> dict[str, Any]:
    body = {"session_id": f"door-eval-{uuid.uuid4().hex}", "message": case.text}
    if kommune:
        body["kommune"] = kommune
    with httpx.Client(base_url=app_url) as client:
        response = client.post("/api/chat", json=body, timeout=60)
        response.raise_for_status()
        reply: dict[str, Any] = response.json()
    return reply


def measure(app_url: str, cases: list[Case], workers: int = 4) -> dict[str, Any]:
    jobs = [(case, kommune) for case in cases for kommune in KOMMUNER]

    def run(job: tuple[Case, str | None]) -> tuple[Case, str | None, dict[str, bool]]:
        case, kommune = job
        return case, kommune, judge(case, first_reply(app_url, case, kommune))

    with ThreadPoolExecutor(workers) as pool:
        results = list(pool.map(run, jobs))
    counts: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    misses: list[dict[str, Any]] = []
    for case, kommune, verdict in results:
        for group in (f"kommune:{kommune or 'none'}", f"kind:{case.kind}", "all"):
            for name, value in verdict.items():
                counts[group][name][0] += int(value)
                counts[group][name][1] += 1
        failed = not verdict["door"] or not verdict.get("out_of_scope_clean", True)
        if failed or verdict["crisis_hours_unknown"]:
            misses.append({"id": case.id, "kommune": kommune, **verdict})
    figures = {
        group: {name: {"hits": h, "n": n} for name, (h, n) in names.items()}
        for group, names in counts.items()
    }
    return {"figures": figures, "misses": misses}


def meets_bars(result: dict[str, Any]) -> bool:
    whole = result["figures"].get("all", {})
    door = whole.get("door", {"hits": 0, "n": 0})
    clean = whole.get("out_of_scope_clean", {"hits": 0, "n": 0})
    unknown = whole.get("crisis_hours_unknown", {"hits": 0, "n": 0})
    return bool(
        door["n"] > 0
        and door["hits"] / door["n"] >= BARS["door"]
        and (clean["n"] == 0 or clean["hits"] / clean["n"] >= BARS["out_of_scope_clean"])
        and unknown["hits"] <= BARS["crisis_hours_unknown"]
    )


def _cell(row: dict[str, Any], key: str) -> str:
    item = row.get(key)
    if not item:
        return "-"
    return f"{item['hits']}/{item['n']} {item['hits'] / item['n']:.3f}"


def report(name: str, result: dict[str, Any]) -> str:
    header = f"  {'group':<20} {'door':>14} {'oos clean':>14} {'unk. hrs':>9}"
    lines = [f"{name}: first replies", header]
    for group in sorted(result["figures"]):
        row = result["figures"][group]
        unknown = row.get("crisis_hours_unknown", {"hits": 0})["hits"]
        lines.append(
            f"  {group:<20} {_cell(row, 'door'):>14} {_cell(row, 'out_of_scope_clean'):>14}"
            f" {unknown:>9}"
        )
    return "\n".join(lines)


def evaluate(settings: StackSettings) -> dict[str, dict[str, Any]]:
    """Both sets through the whole stack, started here with the rate limits off."""
    from stack.bench import RATE_LIMITS_OFF
    from stack.supervisor import Supervisor

    supervisor = Supervisor(settings, RATE_LIMITS_OFF)
    supervisor.start()
    try:
        supervisor.wait_healthy()
        results = {name: measure(settings.app_url, load(path)) for name, path in SETS.items()}
    finally:
        supervisor.stop()
    out = settings.var_dir / "eval"
    out.mkdir(parents=True, exist_ok=True)
    (out / "doors.json").write_text(json.dumps(results, indent=1) + "\n")
    return results


def main(settings: StackSettings) -> int:
    results = evaluate(settings)
    for name, result in results.items():
        print(report(name, result))
    print(
        f"bars on the blind set: door {BARS['door']}, out of scope clean"
        f" >= {BARS['out_of_scope_clean']}, crisis lines with unknown hours 0"
    )
    ok = meets_bars(results["blind"])
    print("bars met" if ok else "bars NOT met")
    print(f"Per case: {settings.var_dir / 'eval' / 'doors.json'}")
    return 0 if ok else 1
