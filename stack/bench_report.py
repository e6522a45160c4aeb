"""The one benchmark report: report.md (each figure beside its baseline, with the ratio),
report.json (every figure, and every latency sample behind the plots) and the PNG plots."""

import json
from pathlib import Path
from typing import Any

from stack.bench_plots import LABELS, latency_plot, quality_plot, soak_plot, throughput_plot
from stack.bench_stats import ratio

PLOTS = {
    "latency.png": "Latency per turn",
    "throughput.png": "Throughput",
    "quality.png": "Retrieval quality",
    "soak_rss.png": "Memory during the soak",
}


def table(header: list[str], rows: list[list[Any]]) -> list[str]:
    def cell(value: Any) -> str:
        if value is None:
            return "-"
        if isinstance(value, float):
            return f"{value:g}"
        return str(value)

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return [*lines, ""]


def image(name: str, images: bool) -> list[str]:
    return [f"![{PLOTS[name]}]({name})", ""] if images else []


def minutes(seconds: float) -> str:
    return f"{seconds / 60:g} min" if seconds >= 60 else f"{seconds:g} s"


def header(figures: dict[str, Any]) -> list[str]:
    machine, options = figures["machine"], figures["options"]
    load = " / ".join(str(x) for x in machine["load_average_at_start"])
    if "load_average_at_end" in machine:
        load += ", at the end " + " / ".join(str(x) for x in machine["load_average_at_end"])
    changes = " with uncommitted changes" if figures["uncommitted_changes"] else ""
    lines = [
        "# Alle Døre: benchmark report",
        "",
        f"- Date: {figures['date']}",
        f"- Machine: {machine['cores']} cores ({machine['cpu']}), {machine['ram_gb']} GB RAM,"
        f" {machine['os']}, Python {machine['python']}; load average at the start {load}"
        " (the machine may be shared: the figures are what it gave at the time).",
        f"- Commit: `{figures['commit']}`{changes}",
        f"- Reproduce: `make bench` (this run took {figures['run_minutes']:g} min, the soak"
        f" {options['soak_minutes']:g} of them). Every figure below comes from that one run;"
        " `report.json` holds them all, with every latency sample behind the plots. Flags for a"
        ' quicker look: `make bench BENCH_ARGS="--short --soak-minutes 1 --skip-train'
        ' --skip-venvs"`.',
        "- The load tests measure capacity: all load comes from 127.0.0.1, so the app's rate"
        " limits per session and per address are off (`ALLEDORE_RATE_SESSION_PER_MINUTE=0`,"
        " `ALLEDORE_RATE_ADDRESS_PER_MINUTE=0`). The load driver runs on the same machine.",
    ]
    if options["short"] or options["soak_minutes"] < 10:
        lines.append(
            f"- **A shortened run** (`--short`: {options['short']}, soak"
            f" {options['soak_minutes']:g} min): for development, not the figures to quote."
        )
    return [*lines, ""]


def quality_section(quality: list[dict[str, Any]], images: bool) -> list[str]:
    lines = [
        "## Retrieval quality: dense, lexical, hybrid",
        "",
        "Services only, as `python -m knowledge eval` computes it; the baseline is dense search"
        " alone (the embedded model).",
        "",
    ]
    rows = []
    for report in quality:
        dense = next(r for r in report["methods"] if r["method"] == "dense")
        for row in report["methods"]:
            rows.append(
                [
                    report["set"],
                    row["method"],
                    row["questions"],
                    round(row["top1"], 3),
                    round(row["top3"], 3),
                    round(row["mrr"], 3),
                    ratio(row["top1"], dense["top1"]),
                    ratio(row["mrr"], dense["mrr"]),
                ]
            )
    header_row = ["set", "method", "n", "top-1", "top-3", "MRR", "top-1 / dense", "MRR / dense"]
    lines += table(header_row, rows)
    model = quality[0]["model"] if quality else "-"
    return [*lines, f"Model: {model}.", "", *image("quality.png", images)]


def load_section(figures: dict[str, Any], images: bool) -> list[str]:
    load = figures["load"]
    lines = [
        "## Latency and throughput: parse, a full turn, /api/chat",
        "",
        "Each session holds real conversations for the time given: a Danish need, then the"
        " bot's buttons (its municipality, more options), a second need, a person; then a new"
        " session (`stack/load.py`). The baseline is Rasa's bare `/model/parse` of the typed"
        " messages at the same number of sessions; a Rasa REST turn runs the dialogue and the"
        " action server; `/api/chat` adds the app. p50/p95 are over every turn, errors"
        " included; turns/s counts answered turns. An error is a non-200, a timeout, a reply"
        " with no messages, or (for /api/chat) a reply made without Rasa (`limited`).",
        "",
    ]
    rows = []
    for key, run in load.items():
        name = key.rsplit("_", 1)[0]
        rows.append(
            [
                LABELS[name],
                run["sessions"],
                minutes(run["seconds"]),
                run["conversations"],
                run["turns"],
                run["errors"],
                run["per_s"],
                run.get("p50_ms"),
                run.get("p95_ms"),
                run.get("per_s_vs_parse"),
                run.get("p50_vs_parse"),
                run.get("p50_vs_rasa_rest"),
            ]
        )
    header_row = ["target", "sessions", "time", "conversations", "turns", "errors", "turns/s"]
    header_row += ["p50 ms", "p95 ms", "turns/s / parse", "p50 / parse", "p50 / REST turn"]
    lines += table(header_row, rows)
    one_rest, one_parse = load["rasa_rest_1"], load["parse_1"]
    fifty = load["api_chat_50"]
    lines += [
        f"- Full turn against bare parse, 1 session: {one_rest['p50_ms']} ms against"
        f" {one_parse['p50_ms']} ms at p50, ratio {one_rest.get('p50_vs_parse')}.",
        "- Throughput through /api/chat: "
        + ", ".join(
            f"{load[f'api_chat_{n}']['per_s']} turns/s at {n} session{'s' if n > 1 else ''}"
            for n in (1, 10, 50)
            if f"api_chat_{n}" in load
        )
        + ".",
        f"- 50 sessions through /api/chat for {minutes(fifty['seconds'])}: {fifty['turns']}"
        f" turns, **{fifty['errors']} errors** (bar: 0)"
        + (f" {fifty['error_kinds']}" if fifty["errors"] else "")
        + f", p50 {fifty.get('p50_ms')} ms, p95 {fifty.get('p95_ms')} ms.",
        "",
    ]
    return [*lines, *image("latency.png", images), *image("throughput.png", images)]


def memory_section(figures: dict[str, Any], images: bool) -> list[str]:
    soak = figures["soak"]
    run = soak["load"]
    lines = [
        "## Memory per process",
        "",
        "Resident set size of each process with its children (the action server's workers"
        " are child processes; pages they share are counted in each).",
        "",
    ]
    lines += table(
        ["process", "RSS after the load runs (MB)"],
        [[name, mb] for name, mb in figures["rss_after_load_mb"].items()],
    )
    lines += [
        "### Soak",
        "",
        f"{run['sessions']} sessions through /api/chat for {minutes(run['seconds'])},"
        f" memory sampled every {soak['every_s']:g} s: {run['turns']} turns,"
        f" **{run['errors']} errors**, {run['per_s']} turns/s, p50 {run.get('p50_ms')} ms,"
        f" p95 {run.get('p95_ms')} ms. A process has stopped growing when the peak of the last"
        " third of the samples is within 1 % (+1 MB) of the middle third's peak; the first third"
        " is warm-up.",
        "",
    ]
    rows = [
        [
            name,
            g["start_mb"],
            g["end_mb"],
            g["max_mb"],
            ratio(g["end_mb"], g["start_mb"]),
            g.get("middle_third_max_mb"),
            g.get("last_third_max_mb"),
            {True: "yes", False: "**no**", None: "too few samples"}[g["stopped_growing"]],
        ]
        for name, g in soak["rss"].items()
    ]
    lines += table(
        ["process", "start MB", "end MB", "max MB", "end / start", "middle third max",
         "last third max", "stopped growing"],
        rows,
    )  # fmt: skip
    return [*lines, *image("soak_rss.png", images)]


def setup_section(figures: dict[str, Any]) -> list[str]:
    setup, options = figures["setup"], figures["options"]
    rows: list[list[Any]] = []

    def row(label: str, key: str, baseline: tuple[str, str] | None = None, skip: str = "") -> None:
        if key not in setup:
            error = setup.get(key.removesuffix("_s") + "_error")
            why = f"failed: {error}" if error else f"not measured in this run ({skip})"
            rows.append([label, why.replace("\n", " ").replace("|", "/"), "-", "-"])
            return
        if baseline is None or baseline[0] not in setup:
            rows.append([label, setup[key], "-", "-"])
            return
        rows.append([label, setup[key], baseline[1], ratio(setup[key], setup[baseline[0]])])

    row("index build from empty", "index_build_s")
    row("index after one changed document", "index_incremental_s", ("index_build_s", "from empty"))
    row("rasa train from nothing (empty cache)", "train_from_nothing_s", skip="--skip-train")
    row(
        "rasa train after a one-line change",
        "train_after_one_line_s",
        ("train_from_nothing_s", "from nothing"),
        "--skip-train",
    )
    row("stack start to ready (Rasa, actions, app)", "stack_ready_s")
    row("create .venv (app) in a temporary folder", "venv_app_s", skip="--skip-venvs")
    row("create .venv-rasa in a temporary folder", "venv_rasa_s", skip="--skip-venvs")
    lines = ["## Setup times", ""]
    lines += table(["what", "seconds", "baseline", "ratio"], rows)
    if options["venvs"]:
        lines += [
            "The environments are made as the Makefile makes them, with pip's cache and the"
            " machine's package indexes as they were.",
            "",
        ]
    return lines


def search_section(knowledge: dict[str, Any]) -> list[str]:
    bare = knowledge["query"]["bare_embedding"]["p50_ms"]
    lines = [
        "## Search speed (knowledge base)",
        "",
        f"{knowledge['model']}: {knowledge['documents']} documents, {knowledge['policy_chunks']}"
        f" policy chunks, {knowledge['services']} services; {knowledge['queries']} dev-set"
        f" questions x {knowledge['rounds']}, warm, one at a time. The baseline is embedding"
        " the query alone.",
        "",
    ]
    rows = [
        [name.replace("_", " "), q["p50_ms"], q["p95_ms"], ratio(q["p50_ms"], bare)]
        for name, q in knowledge["query"].items()
    ]
    lines += table(["query", "p50 ms", "p95 ms", "p50 / bare embedding"], rows)
    return [
        *lines,
        f"Memory of the process that searches: {knowledge['rss_before_searcher_mb']} MB before"
        f" loading the searcher, {knowledge['rss_with_searcher_mb']} MB after.",
        "",
    ]


def crisis_section(crisis: dict[str, Any] | None) -> list[str]:
    """What the crisis net adds to a turn, beside a bare e5 embedding (knowledge/crisis_bench)."""
    if not crisis:
        return []
    names = {
        "lexicon": "lexicon alone",
        "bare_embedding": "bare e5 query embedding (baseline)",
        "both_new_text": "both stages, a new message",
        "both_same_text": "both stages, the same message again",
    }
    rows = [
        [label, crisis[k]["p50_ms"], crisis[k]["p95_ms"]]
        for k, label in names.items()
        if k in crisis
    ]
    return [
        "## The crisis net",
        "",
        f"{crisis['turns']} dev-set turns, one at a time, in this process.",
        "",
        *table(["", "p50 ms", "p95 ms"], rows),
        "",
    ]


def widget_section(widget: dict[str, Any]) -> list[str]:
    lines = ["## Widget weight", ""]
    if "rasa_webchat_gzip_bytes" not in widget:
        reason = widget.get("rasa_webchat_error", "")
        return [
            *lines,
            f"Our widget (JS + CSS): {widget['widget_gzip_bytes']} bytes gzipped; rasa-webchat"
            f" could not be fetched for the comparison: {reason}",
            "",
        ]
    rows = [
        ["our widget, widget.js + widget.css", widget["widget_gzip_bytes"],
         widget["widget_vs_rasa_webchat"]],
        [widget["rasa_webchat"], widget["rasa_webchat_gzip_bytes"], 1.0],
    ]  # fmt: skip
    return [*lines, *table(["what", "bytes gzipped (level 9)", "ratio to rasa-webchat"], rows)]


def markdown(figures: dict[str, Any], images: bool = True) -> str:
    lines = header(figures)
    lines += quality_section(figures["quality"], images)
    lines += load_section(figures, images)
    lines += memory_section(figures, images)
    lines += setup_section(figures)
    lines += search_section(figures["knowledge"])
    lines += crisis_section(figures.get("crisis"))
    lines += widget_section(figures["widget"])
    return "\n".join(lines).rstrip("\n") + "\n"


def write_report(figures: dict[str, Any], out: Path) -> list[Path]:
    """report.md, report.json and the plots in `out`; the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    written = [
        latency_plot(figures["latency_samples_ms"], out / "latency.png"),
        throughput_plot(figures["load"], out / "throughput.png"),
        quality_plot(figures["quality"], out / "quality.png"),
        soak_plot(figures["soak"], out / "soak_rss.png"),
    ]
    (out / "report.json").write_text(
        json.dumps(figures, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (out / "report.md").write_text(markdown(figures), encoding="utf-8")
    return [out / "report.md", out / "report.json", *written]
