"""Speed and memory of the knowledge base, with baselines measured in the same run.

Figures: full index build from empty and the incremental rebuild after one changed document (ratio),
warm single-query latency p50/p95 for hybrid, dense and lexical search beside a bare query embedding
(ratio), resident and peak memory, and corpus size. Run with `make bench`.
"""

import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path

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


def run_bench(settings: KnowledgeSettings) -> None:
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

    bare_p50, bare_p95 = _percentiles(bare)
    print(f"Knowledge benchmark ({embedder.name}, {len(questions)} dev-set queries x {ROUNDS})")
    print(
        f"corpus: {len(docs)} documents, {kinds.count('policy')} policy chunks,"
        f" {kinds.count('service')} services, {kinds.count('phrase')} theme phrases"
    )
    print(f"index build from empty: {full.seconds:8.2f} s  ({full.embedded} items embedded)")
    print(
        f"incremental, 1 doc changed: {incremental.seconds:8.2f} s  ({incremental.embedded}"
        f" embedded, {incremental.reused} reused)"
        f"  ratio to full {incremental.seconds / full.seconds:.2f}"
    )
    print(f"{'query (warm, single)':<26} {'p50 ms':>8} {'p95 ms':>8} {'p50 / bare embed':>17}")
    print(f"{'bare query embedding':<26} {bare_p50:8.2f} {bare_p95:8.2f} {1.0:17.2f}")
    for method, samples in latencies.items():
        p50, p95 = _percentiles(samples)
        print(f"{method + ' search':<26} {p50:8.2f} {p95:8.2f} {p50 / bare_p50:17.2f}")
    print(
        f"memory: resident {rss_before:.0f} MB before loading the searcher, {rss_loaded:.0f} MB"
        f" after; peak {_peak_mb():.0f} MB for the whole run (builds included)"
    )
