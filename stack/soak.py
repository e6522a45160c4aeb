"""A soak: a moderate load for a long time while the resident memory of each process is sampled.

A process counts with its children (the action server runs its workers as child processes).
Pages shared between a parent and its children are counted in each, so the sums are an upper
bound; what matters here is whether they keep growing.
"""

import asyncio
import time
from pathlib import Path
from typing import Any

from stack.bench_stats import growth
from stack.load import LoadRun, Target, drive


def descendants(pid: int) -> list[int]:
    """The process and all its children, grandchildren, ... (Linux's /proc children lists)."""
    found, waiting = [], [pid]
    while waiting:
        current = waiting.pop()
        found.append(current)
        for children in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                waiting += [int(child) for child in children.read_text().split()]
            except OSError:
                continue  # the thread ended while we looked
    return found


def rss_mb(pid: int) -> float:
    """Resident memory of one process, in MB; 0 when it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def tree_rss_mb(pid: int) -> float:
    return round(sum(rss_mb(p) for p in descendants(pid)), 1)


def sample_every(seconds: float) -> float:
    """About 30 samples a run, between 2 and 30 s apart."""
    return min(30.0, max(2.0, seconds / 30))


async def sample_rss(
    pids: dict[str, int], every_s: float, done: asyncio.Event
) -> dict[str, list[float]]:
    """RSS of each process tree at the start, every `every_s` seconds, and once more at the end."""
    series: dict[str, list[float]] = {name: [] for name in ["t_s", *pids]}
    start = time.monotonic()
    while True:
        series["t_s"].append(round(time.monotonic() - start, 1))
        for name, pid in pids.items():
            series[name].append(tree_rss_mb(pid))
        if done.is_set():
            return series
        try:
            await asyncio.wait_for(done.wait(), timeout=every_s)
        except TimeoutError:
            continue


async def soak_async(
    target: Target, name: str, sessions: int, seconds: float, pids: dict[str, int]
) -> tuple[LoadRun, dict[str, list[float]]]:
    done = asyncio.Event()
    sampler = asyncio.create_task(sample_rss(pids, sample_every(seconds), done))
    try:
        run = await drive(target, name, sessions, seconds, timeout=30.0)
    finally:
        done.set()
    return run, await sampler


def soak(
    target: Target, name: str, sessions: int, seconds: float, pids: dict[str, int]
) -> dict[str, Any]:
    """The load's figures, each process's RSS series and whether it stopped growing."""
    run, series = asyncio.run(soak_async(target, name, sessions, seconds, pids))
    return {
        "load": run.summary(),
        "every_s": sample_every(seconds),
        "series": series,
        "rss": {process: growth(series[process]) for process in pids},
    }
