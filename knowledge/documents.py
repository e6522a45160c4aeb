"""Policy documents: loading .txt/.md, PDF and HTML files with their metadata.

Each document `name.ext` has a sidecar `name.meta.yml` (kommune, title, year, source_type, ...).
Adding a policy is adding those two files.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from knowledge.errors import KnowledgeError

SUPPORTED = (".txt", ".md", ".pdf", ".html", ".htm")


@dataclass(frozen=True)
class Document:
    """One policy text with what we know about it."""

    kommune: str | None
    title: str
    year: int | None
    source_type: str
    path: str  # relative to the corpus folder; part of every chunk's citation
    text: str


def read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def read_pdf(path: Path) -> str:
    """Extract the text of every page; pages are separated by blank lines."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, OSError, ValueError) as exc:
        raise KnowledgeError(f"{path}: not a readable PDF ({exc})") from exc
    # pypdf leaves trailing spaces; without them a heading stands alone on its line again.
    return "\n\n".join(re.sub(r"[ \t]+\n", "\n", p) for p in pages)


def read_html(path: Path) -> str:
    """Main text of a web page, without navigation and footer, headings on their own lines."""
    import trafilatura

    html = path.read_text(encoding="utf-8", errors="replace")
    text = trafilatura.extract(
        html, include_comments=False, include_tables=True, favor_recall=True, output_format="txt"
    )
    if not text:
        raise KnowledgeError(f"{path}: no main text found in the HTML")
    return str(text)


LOADERS: dict[str, Callable[[Path], str]] = {
    ".txt": read_text,
    ".md": read_text,
    ".pdf": read_pdf,
    ".html": read_html,
    ".htm": read_html,
}


def read_meta(path: Path) -> dict[str, object]:
    meta_path = path.with_name(path.stem + ".meta.yml")
    if not meta_path.exists():
        raise KnowledgeError(f"{path}: missing metadata file {meta_path.name}")
    try:
        meta = yaml.safe_load(meta_path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{meta_path}: not valid YAML ({exc})") from exc
    if not isinstance(meta, dict) or not meta.get("title"):
        raise KnowledgeError(f"{meta_path}: needs at least a 'title'")
    return meta


def load_document(path: Path, root: Path) -> Document:
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        raise KnowledgeError(f"{path}: unsupported file type (use one of {', '.join(SUPPORTED)})")
    meta = read_meta(path)
    year = meta.get("year")
    kommune = meta.get("kommune")
    return Document(
        kommune=str(kommune) if kommune else None,
        title=str(meta["title"]),
        year=int(str(year)) if year else None,
        source_type=str(meta.get("source_type") or "policy"),
        path=str(path.relative_to(root)),
        text=loader(path),
    )


def iter_documents(corpus_dir: Path) -> Iterator[Document]:
    """Every supported document below `corpus_dir`, in a stable order."""
    for path in sorted(corpus_dir.rglob("*")):
        if path.is_file() and path.suffix.lower() in SUPPORTED and path.name != "README.md":
            yield load_document(path, corpus_dir)
