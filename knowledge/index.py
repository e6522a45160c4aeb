"""The FAISS index over policy chunks and services, its manifest, and incremental rebuilds.

Layout of the index folder: `index.faiss` (IndexFlatIP over normalised vectors), `items.json` (what
each row is) and `manifest.json` (model, dimension, corpus hash, format). A folder whose manifest
does not match the model or the data, or whose files do not agree, is refused with a clear message;
`python -m knowledge build` (run by `make run`) rebuilds it, re-embedding only changed items.
"""

import hashlib
import json
import shutil
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import faiss
import numpy as np
import yaml

from knowledge.catalogue import THEMES, Catalogue, Service, load_catalogue, theme_label
from knowledge.chunking import chunk_document
from knowledge.documents import iter_documents
from knowledge.embedding import Embedder, Vectors
from knowledge.errors import KnowledgeError
from knowledge.settings import KnowledgeSettings
from knowledge.text import fold

FORMAT = 3
DATA_DIRS = ("corpus_dir", "catalogue_dir", "facts_dir")
DATA_SUFFIXES = (".yml", ".yaml", ".txt", ".md", ".pdf", ".html", ".htm")
BACKGROUND = "background_queries.yml"
LEXICON = "themes.yml"
KINDS = ("policy", "service", "phrase")
# What fixes any index that cannot be loaded: every refusal below ends with it.
REBUILD_HINT = (
    "Rebuild it with `make index` (or `python -m knowledge build`; `make run` does it too)."
)


@dataclass(frozen=True)
class Item:
    """One row of the index: a policy chunk or a service."""

    kind: str  # "policy", "service" or "phrase" (a way to say a theme, see corpus/themes.yml)
    id: str  # a hash of what was embedded and its source
    ref: str  # chunk id, service id or theme slug
    text: str  # what was embedded
    meta: dict[str, Any]
    # Mean similarity to everyday questions (corpus/background_queries.yml): how much this row
    # attracts any query at all. Search subtracts it, so that hubs do not win every question.
    bias: float = 0.0


@dataclass(frozen=True)
class BuildReport:
    total: int
    embedded: int
    reused: int
    seconds: float
    up_to_date: bool = False


def data_hash(settings: KnowledgeSettings) -> str:
    """A hash of every file the index is made from."""
    digest = hashlib.sha256()
    for attr in DATA_DIRS:
        root: Path = getattr(settings, attr)
        files = (p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in DATA_SUFFIXES)
        for path in sorted(files):
            digest.update(f"{attr}/{path.relative_to(root)}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def service_text(service: Service) -> str:
    themes = ", ".join(theme_label(t) for t in service.themes)
    parts = [
        f"{service.name}.",
        service.description,
        service.eligibility or "",
        service.how_to_access or "",
        f"Emner: {themes}.",
        ", ".join(service.keywords),
    ]
    return " ".join(p for p in parts if p).strip()


def _content_id(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]


def load_lexicon(settings: KnowledgeSettings) -> dict[str, list[str]]:
    """How people put each theme into words (corpus/themes.yml), checked for every theme slug."""
    path = settings.corpus_dir / LEXICON
    try:
        themes = yaml.safe_load(path.read_text(encoding="utf-8"))["themes"]
    except (OSError, KeyError, TypeError, yaml.YAMLError) as exc:
        raise KnowledgeError(f"{path}: cannot read the theme phrases ({exc})") from exc
    if not isinstance(themes, dict) or not all(isinstance(v, list) for v in themes.values()):
        raise KnowledgeError(f"{path}: 'themes' must map each theme slug to a list of phrases")
    missing = [t for t in THEMES if not themes.get(t)]
    unknown = [t for t in themes if t not in THEMES]
    if missing or unknown:
        raise KnowledgeError(f"{path}: themes without phrases {missing}, unknown themes {unknown}")
    seen: dict[str, str] = {}
    for theme in THEMES:
        for phrase in themes[theme]:
            key = fold(str(phrase))
            if key in seen and seen[key] != theme:
                raise KnowledgeError(f"{path}: {phrase!r} is under both {seen[key]} and {theme}")
            seen[key] = theme
    return {t: [str(p) for p in themes[t]] for t in THEMES}


def collect_items(settings: KnowledgeSettings, catalogue: Catalogue) -> list[Item]:
    items: list[Item] = []
    for doc in iter_documents(settings.corpus_dir):
        for chunk in chunk_document(doc):
            body = f"{chunk.document}. {chunk.section}\n{chunk.text}"
            items.append(Item("policy", chunk.id, chunk.id, body, asdict(chunk)))
    for service in catalogue.services.values():
        if service.status != "active":
            continue
        body = service_text(service)
        meta = {"kommune": service.kommune, "themes": list(service.themes)}
        items.append(Item("service", _content_id(service.id, body), service.id, body, meta))
    for theme, phrases in load_lexicon(settings).items():
        for phrase in dict.fromkeys(phrases):
            items.append(Item("phrase", _content_id("phrase", theme, phrase), theme, phrase, {}))
    return items


def background_queries(settings: KnowledgeSettings) -> list[str]:
    path = settings.corpus_dir / BACKGROUND
    try:
        return [str(q) for q in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]]
    except (OSError, KeyError, TypeError, yaml.YAMLError) as exc:
        raise KnowledgeError(f"{path}: cannot read the background questions ({exc})") from exc


def read_manifest(index_dir: Path) -> dict[str, Any] | None:
    try:
        manifest = json.loads((index_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def is_current(settings: KnowledgeSettings, model_name: str) -> bool:
    manifest = read_manifest(settings.index_dir)
    return bool(
        manifest
        and manifest.get("format") == FORMAT
        and manifest.get("model") == model_name
        and manifest.get("data_hash") == data_hash(settings)
    )


class Index:
    """A loaded index: FAISS rows and what each row is."""

    def __init__(self, faiss_index: Any, items: list[Item], manifest: dict[str, Any]) -> None:
        self.faiss = faiss_index
        self.items = items
        self.manifest = manifest

    def vectors(self) -> Vectors:
        if not self.items:
            return np.zeros((0, int(self.manifest["dim"])), dtype=np.float32)
        return np.asarray(self.faiss.reconstruct_n(0, len(self.items)), dtype=np.float32)

    def search(self, query: Vectors, k: int) -> list[tuple[int, float]]:
        k = min(k, len(self.items))
        if k == 0:
            return []
        scores, rows = self.faiss.search(query.reshape(1, -1), k)
        return [(int(r), float(s)) for r, s in zip(rows[0], scores[0], strict=True) if r >= 0]


def load_index(index_dir: Path, model_name: str) -> Index:
    """Load and check an index; refuse one built by another model or one that is damaged."""
    manifest = read_manifest(index_dir)
    hint = REBUILD_HINT
    if manifest is None:
        found = "cannot be read" if (index_dir / "manifest.json").exists() else "is missing"
        raise KnowledgeError(f"No usable index in {index_dir} (manifest.json {found}). {hint}")
    if manifest.get("format") != FORMAT or manifest.get("model") != model_name:
        raise KnowledgeError(
            f"The index in {index_dir} was built by {manifest.get('model')!r} (format"
            f" {manifest.get('format')}), not {model_name!r}. {hint}"
        )
    try:
        faiss_index = faiss.read_index(str(index_dir / "index.faiss"))
    except (OSError, RuntimeError) as exc:
        raise KnowledgeError(
            f"The index in {index_dir} is damaged: index.faiss cannot be read ({exc}). {hint}"
        ) from exc
    try:
        raw = json.loads((index_dir / "items.json").read_text(encoding="utf-8"))
        items = [Item(**row) for row in raw]
    except (OSError, ValueError, TypeError) as exc:
        raise KnowledgeError(
            f"The index in {index_dir} is damaged: items.json cannot be read ({exc}). {hint}"
        ) from exc
    odd = [n for n, item in enumerate(items) if not _looks_like_an_item(item)]
    if odd:
        raise KnowledgeError(
            f"The index in {index_dir} is damaged: row {odd[0]} of items.json is not an index"
            f" item. {hint}"
        )
    if faiss_index.ntotal != len(items) or faiss_index.d != manifest.get("dim"):
        raise KnowledgeError(
            f"The index in {index_dir} is inconsistent: index.faiss has {faiss_index.ntotal}"
            f" vectors of dimension {faiss_index.d}, items.json {len(items)} items, manifest.json"
            f" dimension {manifest.get('dim')!r}. {hint}"
        )
    return Index(faiss_index, items, manifest)


def _looks_like_an_item(item: Item) -> bool:
    """The shape search relies on, so a damaged items.json fails here, not in every search."""
    return (
        item.kind in KINDS
        and all(isinstance(v, str) for v in (item.id, item.ref, item.text))
        and isinstance(item.meta, dict)
        and isinstance(item.bias, float | int)
    )


def _previous_vectors(index_dir: Path, model_name: str) -> dict[str, Vectors]:
    """Vectors of the last build by the same model, by item id, to skip re-embedding."""
    try:
        old = load_index(index_dir, model_name)
    except KnowledgeError:
        return {}
    vectors = old.vectors()
    return {item.id: vectors[row] for row, item in enumerate(old.items)}


def build_index(
    settings: KnowledgeSettings, embedder: Embedder, progress: bool = False, force: bool = False
) -> BuildReport:
    """Build (or bring up to date) the index in `settings.index_dir`."""
    started = time.perf_counter()
    if not force and is_current(settings, embedder.name):
        try:
            total = len(load_index(settings.index_dir, embedder.name).items)
            return BuildReport(total, 0, total, time.perf_counter() - started, up_to_date=True)
        except KnowledgeError:
            pass  # the manifest is current but the files are damaged: build afresh
    catalogue = load_catalogue(settings.catalogue_dir, settings.facts_dir)
    items = collect_items(settings, catalogue)
    ids = [item.id for item in items]
    if len(set(ids)) != len(ids):
        raise KnowledgeError("Two index items have the same content and source; remove the copy.")
    cached = {} if force else _previous_vectors(settings.index_dir, embedder.name)
    todo = [i for i, item in enumerate(items) if item.id not in cached]
    vectors = np.zeros((len(items), embedder.dim), dtype=np.float32)
    for i, item in enumerate(items):
        if item.id in cached:
            vectors[i] = cached[item.id]
    batch = 16
    bar = _progress(len(todo), progress)
    for start in range(0, len(todo), batch):
        rows = todo[start : start + batch]
        for kind_rows, embed in (
            # A theme phrase is compared with a question as a question (e5's symmetric use).
            ([r for r in rows if items[r].kind == "phrase"], embedder.embed_queries),
            ([r for r in rows if items[r].kind != "phrase"], embedder.embed_passages),
        ):
            if kind_rows:
                vectors[kind_rows] = embed([items[r].text for r in kind_rows])
        bar.update(len(rows))
    bar.close()
    background = embedder.embed_queries(background_queries(settings))
    bias = (vectors @ background.T).mean(axis=1) if len(background) else np.zeros(len(items))
    items = [replace(item, bias=round(float(b), 6)) for item, b in zip(items, bias, strict=True)]
    _write(settings, embedder, items, vectors)
    seconds = time.perf_counter() - started
    return BuildReport(len(items), len(todo), len(items) - len(todo), seconds)


def _progress(total: int, enabled: bool) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, desc="Embedding", unit="item", disable=not enabled or total == 0)


def _write(
    settings: KnowledgeSettings, embedder: Embedder, items: list[Item], vectors: Vectors
) -> None:
    """Write to a new folder and swap it in, so a crash never leaves half an index."""
    target = settings.index_dir
    tmp = target.with_name(target.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    faiss_index = faiss.IndexFlatIP(embedder.dim)
    if len(items):
        faiss_index.add(vectors)
    faiss.write_index(faiss_index, str(tmp / "index.faiss"))
    (tmp / "items.json").write_text(
        json.dumps([asdict(i) for i in items], ensure_ascii=False), encoding="utf-8"
    )
    manifest = {
        "format": FORMAT,
        "model": embedder.name,
        "dim": embedder.dim,
        "data_hash": data_hash(settings),
        "count": len(items),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    old = target.with_name(target.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    tmp.rename(target)
    shutil.rmtree(old, ignore_errors=True)
