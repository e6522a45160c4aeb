"""Speed and memory of the knowledge base, with baselines measured in the same run.

Figures: full index build from empty and the incremental rebuild after one changed document (ratio),
warm single-query latency p50/p95 for hybrid, dense and lexical search beside a bare query embedding
(ratio), resident and peak memory, and corpus size. `python -m knowledge bench` prints them;
`make bench` puts them in the one benchmark report (stack/bench.py).
"""

import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from knowledge.embedding import make_embedder
from knowledge.evaluation import load_devset
from knowledge.index import build_index
from knowledge.search import Method, open_searcher
from knowledge.settings import KnowledgeSettings

ROUNDS = 3  # passes over the dev-set questions for the latency figures


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def measure(settings: KnowledgeSettings) -> dict[str, Any]:
    """Every figure of the knowledge benchmark, in one dict (times in s and ms, memory in MB)."""
    embedder = make_embedder(settings.embed_backend, settings.embed_model)
    with tempfile.TemporaryDirectory(prefix="alledore-bench-") as tmp:
        work = Path(tmp)
        corpus = work / "corpus"
        shutil.copytree(settings.corpus_dir, corpus)
        local = settings.model_copy(update={"corpus_dir": corpus, "index_dir": work / "index"})

        full = build_index(local, embedder, force=True)
        changed = sorted(corpus.rglob("*.txt"))[0]
        changed.write_text(
            changed.read_text(encoding="utf-8") + "\n\nEt nyt afsnit til test.\n", encoding="utf-8"
        )
        incremental = build_index(local, embedder)

        rss_before = _rss_mb()
        searcher = open_searcher(local, embedder)
        rss_loaded = _rss_mb()
        questions = [q["q"] for q in load_devset(settings.devset_file)]
        for q in questions[:10]:  # warm up
            searcher.search(q)

        bare: list[float] = []
        for _ in range(ROUNDS):
            for q in questions:
                started = time.perf_counter()
                embedder.embed_queries([q])
                bare.append(time.perf_counter() - started)
        latencies: dict[Method, list[float]] = {"hybrid": [], "dense": [], "lexical": []}
        for _ in range(ROUNDS):
            for q in questions:
                for method, samples in latencies.items():
                    started = time.perf_counter()
                    searcher.search(q, None, k=5, passages=2, method=method)
                    samples.append(time.perf_counter() - started)

        kinds = [item.kind for item in searcher.index.items]
        docs = {item.meta["path"] for item in searcher.index.items if item.kind == "policy"}

    queries: dict[str, dict[str, float]] = {}
    for name, samples in [("bare_embedding", bare), *latencies.items()]:
        p50, p95 = _percentiles(samples)
        queries[name] = {"p50_ms": round(p50, 2), "p95_ms": round(p95, 2)}
    return {
        "model": embedder.name,
        "queries": len(questions),
        "rounds": ROUNDS,
        "documents": len(docs),
        "policy_chunks": kinds.count("policy"),
        "services": kinds.count("service"),
        "theme_phrases": kinds.count("phrase"),
        "index_build_s": round(full.seconds, 2),
        "index_embedded": full.embedded,
        "index_incremental_s": round(incremental.seconds, 2),
        "index_incremental_embedded": incremental.embedded,
        "index_incremental_reused": incremental.reused,
        "query": queries,
        "rss_before_searcher_mb": round(rss_before),
        "rss_with_searcher_mb": round(rss_loaded),
        "peak_mb": round(_peak_mb()),
    }


def print_figures(figures: dict[str, Any]) -> None:
    query = figures["query"]
    bare = query["bare_embedding"]["p50_ms"]
    print(
        f"Knowledge benchmark ({figures['model']},"
        f" {figures['queries']} dev-set queries x {figures['rounds']})"
    )
    print(
        f"corpus: {figures['documents']} documents, {figures['policy_chunks']} policy chunks,"
        f" {figures['services']} services, {figures['theme_phrases']} theme phrases"
    )
    print(
        f"index build from empty: {figures['index_build_s']:8.2f} s"
        f"  ({figures['index_embedded']} items embedded)"
    )
    print(
        f"incremental, 1 doc changed: {figures['index_incremental_s']:8.2f} s"
        f"  ({figures['index_incremental_embedded']} embedded,"
        f" {figures['index_incremental_reused']} reused)"
        f"  ratio to full {figures['index_incremental_s'] / figures['index_build_s']:.2f}"
    )
    print(f"{'query (warm, single)':<26} {'p50 ms':>8} {'p95 ms':>8} {'p50 / bare embed':>17}")
    for name, row in query.items():
        label = "bare query embedding" if name == "bare_embedding" else f"{name} search"
        print(f"{label:<26} {row['p50_ms']:8.2f} {row['p95_ms']:8.2f} {row['p50_ms'] / bare:17.2f}")
    print(
        f"memory: resident {figures['rss_before_searcher_mb']} MB before loading the searcher,"
        f" {figures['rss_with_searcher_mb']} MB after; peak {figures['peak_mb']} MB for the whole"
        " run (builds included)"
    )


def run_bench(settings: KnowledgeSettings) -> dict[str, Any]:
    figures = measure(settings)
    print_figures(figures)
    return figures
