"""The benchmark's PNG figures, drawn with matplotlib's Agg renderer (no display, no pyplot state).

Each function takes the figures of the report (stack/bench.py) and writes one file.
"""

from pathlib import Path
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

LABELS = {"parse": "Rasa /model/parse", "rasa_rest": "Rasa REST turn", "api_chat": "/api/chat"}
COLOURS = {"parse": "#8c8c8c", "rasa_rest": "#4c72b0", "api_chat": "#dd8452"}
METRICS = (("top1", "top-1"), ("top3", "top-3"), ("mrr", "MRR"))
METHOD_COLOURS = {"dense": "#4c72b0", "lexical": "#8c8c8c", "hybrid": "#55a868"}


def save(figure: Figure, path: Path) -> Path:
    FigureCanvasAgg(figure)
    figure.savefig(path, dpi=110)
    return path


def scenario(key: str) -> tuple[str, int]:
    """'api_chat_50' -> ('api_chat', 50)."""
    name, sessions = key.rsplit("_", 1)
    return name, int(sessions)


def latency_plot(samples: dict[str, list[float]], path: Path) -> Path:
    """One box per scenario (whiskers at p5 and p95), on a log scale: parse is milliseconds,
    50 sessions through the app are seconds."""
    keys = sorted(samples, key=lambda k: (scenario(k)[1], list(LABELS).index(scenario(k)[0])))
    figure = Figure(figsize=(8, 0.45 * len(keys) + 1.4), layout="constrained")
    axes = figure.add_subplot()
    boxes = axes.boxplot(
        [samples[k] or [float("nan")] for k in keys],
        orientation="horizontal",
        whis=(5, 95),
        showfliers=False,
        patch_artist=True,
        medianprops={"color": "black"},
    )
    for box, key in zip(boxes["boxes"], keys, strict=True):
        box.set_facecolor(COLOURS[scenario(key)[0]])
    axes.set_yticks(
        range(1, len(keys) + 1),
        [f"{LABELS[scenario(k)[0]]}, {scenario(k)[1]} sess." for k in keys],
    )
    axes.invert_yaxis()
    axes.set_xscale("log")
    axes.set_xlabel("latency of one turn (ms, log scale); box p25-p75, line p50, whiskers p5-p95")
    axes.set_title("Latency per turn, same run")
    axes.grid(axis="x", which="both", alpha=0.3)
    return save(figure, path)


def throughput_plot(load: dict[str, Any], path: Path) -> Path:
    figure = Figure(figsize=(7, 3.6), layout="constrained")
    axes = figure.add_subplot()
    sessions = sorted({scenario(k)[1] for k in load})
    width = 0.8 / len(LABELS)
    for i, name in enumerate(LABELS):
        rates = [load.get(f"{name}_{n}", {}).get("per_s", 0.0) for n in sessions]
        positions = [j + (i - 1) * width for j in range(len(sessions))]
        bars = axes.bar(positions, rates, width, label=LABELS[name], color=COLOURS[name])
        axes.bar_label(bars, fmt="%.1f", fontsize=7)
    axes.set_xticks(range(len(sessions)), [f"{n} session{'s' if n > 1 else ''}" for n in sessions])
    axes.set_ylabel("answered turns per second")
    axes.set_title("Throughput")
    axes.legend(fontsize=8)
    return save(figure, path)


def quality_plot(quality: list[dict[str, Any]], path: Path) -> Path:
    """Top-1, top-3 and MRR for dense, lexical and hybrid, one panel per question set."""
    figure = Figure(figsize=(4.2 * len(quality), 3.8), layout="constrained")
    width = 0.8 / 3
    for panel, report in enumerate(quality, start=1):
        axes = figure.add_subplot(1, len(quality), panel)
        for i, row in enumerate(report["methods"]):
            values = [row[metric] for metric, _ in METRICS]
            positions = [j + (i - 1) * width for j in range(len(METRICS))]
            colour = METHOD_COLOURS.get(row["method"])
            bars = axes.bar(positions, values, width, label=row["method"], color=colour)
            axes.bar_label(bars, fmt="%.2f", fontsize=7)
        axes.set_xticks(range(len(METRICS)), [label for _, label in METRICS])
        axes.set_ylim(0, 1.2)  # room for the legend above the bars
        axes.set_title(f"{report['set']} ({report['methods'][0]['questions']} questions)")
        axes.legend(fontsize=8, loc="upper center", ncols=3)
    figure.suptitle("Retrieval quality (services)")
    return save(figure, path)


def soak_plot(soak: dict[str, Any], path: Path) -> Path:
    """Resident memory of each process over the soak, one panel each (their sizes differ)."""
    series = soak["series"]
    names = [name for name in series if name != "t_s"]
    figure = Figure(figsize=(8, 2.2 * len(names) + 0.6), layout="constrained")
    minutes = [t / 60 for t in series["t_s"]]
    for panel, name in enumerate(names, start=1):
        axes = figure.add_subplot(len(names), 1, panel)
        axes.plot(minutes, series[name], marker=".", color="#4c72b0")
        verdict = soak["rss"][name].get("stopped_growing")
        state = {True: "stopped growing", False: "still growing", None: "too few samples"}
        axes.set_title(f"{name}: {state[verdict]}", fontsize=9)
        axes.set_ylabel("RSS (MB)")
        axes.grid(alpha=0.3)
        # The thirds of the samples: the judgement compares the last with the middle one.
        third = len(minutes) // 3
        for start in (third, 2 * third) if third else ():
            axes.axvline(minutes[start], color="grey", linestyle=":", linewidth=1)
    figure.axes[-1].set_xlabel("minutes into the soak")
    figure.suptitle(f"Resident memory during the soak ({soak['load']['sessions']} sessions)")
    return save(figure, path)
