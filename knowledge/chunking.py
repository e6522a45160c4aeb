"""Section-aware chunking of municipal policy texts.

The policies are PDFs flattened to text: headings are uppercase lines ("HJEMLØSHED",
"FOKUSOMRÅDER") or short title lines ("Hjemløshed", "Alle døre er den rigtige dør"), bullet lists
follow a lead-in sentence, and goals come as "Mål: ..." / "Indsats: ..." paragraphs. A chunk stays
inside one section where it can, keeps bullets with their lead-in, and holds roughly 60-300 words,
so that a citation can name the section it comes from.
"""

import hashlib
import re
from collections import Counter
from dataclasses import dataclass

from knowledge.documents import Document
from knowledge.text import word_count

MIN_WORDS = 60
MAX_WORDS = 300
# A section shorter than this is joined to the next one rather than standing alone.
TINY_SECTION_WORDS = 40

_BULLET = re.compile(r"^\s*(?:[-•*–]|\d+[.)]|[a-z][)])\s+")
_QUOTE_MARK = re.compile(r"^\s*>\s*")
_LABEL = re.compile(r"^\w+:\s")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ0-9])")


@dataclass(frozen=True)
class Block:
    kind: str  # "heading", "bullets" or "text"
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Chunk:
    """A passage of a policy with where it stands."""

    id: str
    kommune: str | None
    document: str  # title
    path: str  # file, relative to the corpus folder
    section: str  # heading path, " > " between levels
    start: int
    end: int
    text: str


def chunk_id(path: str, kommune: str | None, text: str) -> str:
    """Same text from the same source gives the same id, so re-ingesting changes nothing."""
    return hashlib.sha256(f"{kommune}\x1f{path}\x1f{text}".encode()).hexdigest()[:16]


def _is_heading(line: str) -> bool:
    line = _QUOTE_MARK.sub("", line).strip()
    if not line or "\n" in line or _BULLET.match(line) or len(line) > 70:
        return False
    if line.endswith((".", ",", ";", ":")) or not line[0].isalpha() or not line[0].isupper():
        return False
    if _LABEL.match(line) or " skal " in line:  # "Mål: ..." and "Færre skal ..." are goals
        return False
    letters = [c for c in line if c.isalpha()]
    if len(letters) >= 3 and all(c.isupper() for c in letters):
        return True
    return word_count(line) <= 8


def split_blocks(text: str) -> list[Block]:
    """Split on blank lines into headings, bullet lists and text, keeping character offsets."""
    blocks: list[Block] = []
    for match in re.finditer(r"\S(?:.*\S)?(?:\n[ \t]*\S.*)*", text):
        raw, start = match.group(0), match.start()
        lines = raw.split("\n")
        if len(lines) == 1 and _is_heading(raw):
            blocks.append(Block("heading", _QUOTE_MARK.sub("", raw).strip(), start, match.end()))
        elif all(_BULLET.match(line) for line in lines):
            blocks.append(Block("bullets", raw, start, match.end()))
        else:
            blocks.append(Block("text", raw, start, match.end()))
    return blocks


def _sections(blocks: list[Block]) -> list[tuple[str, list[Block]]]:
    """Group blocks under their heading path.

    A heading that recurs in the document ("FOKUSOMRÅDER" under each theme) is a sub-heading of
    the last heading that does not recur; any other heading starts a new top-level section.
    """
    counts = Counter(b.text.upper() for b in blocks if b.kind == "heading")
    sections: list[tuple[str, list[Block]]] = [("", [])]
    top = ""
    for block in blocks:
        if block.kind != "heading":
            sections[-1][1].append(block)
            continue
        if counts[block.text.upper()] > 1 and top:
            path = f"{top} > {block.text}"
        else:
            top = path = block.text
        sections.append((path, [block]))
    return [(path, body) for path, body in sections if body]


def _units(body: list[Block]) -> list[Block]:
    """Glue each bullet list to the sentence that leads into it; split overlong paragraphs."""
    units: list[Block] = []
    for block in body:
        if block.kind == "bullets" and units and units[-1].kind != "heading":
            prev = units.pop()
            units.append(Block("text", "", prev.start, block.end))
        elif block.kind == "text" and word_count(block.text) > MAX_WORDS:
            units.extend(_split_sentences(block))
        else:
            units.append(block)
    return units


def _split_sentences(block: Block) -> list[Block]:
    parts: list[Block] = []
    start = block.start
    cut_points = [m.start() + block.start for m in _SENTENCE_END.finditer(block.text)]
    last = start
    for cut in [*cut_points, block.end]:
        if word_count(block.text[last - block.start : cut - block.start]) >= MAX_WORDS // 2:
            parts.append(Block("text", "", last, cut))
            last = cut
    if last < block.end:
        parts.append(Block("text", "", last, block.end))
    return parts


def chunk_document(doc: Document) -> list[Chunk]:
    """Cut a document into cited chunks; the chunk text is the exact source slice."""
    text = doc.text
    chunks: list[Chunk] = []
    pending_path = ""
    pending_start: int | None = None

    def emit(section: str, start: int, end: int) -> None:
        body = text[start:end].strip()
        if word_count(body) < 8:  # a lone name or page footer is no passage
            return
        chunks.append(
            Chunk(
                chunk_id(doc.path, doc.kommune, body),
                doc.kommune,
                doc.title,
                doc.path,
                section,
                start,
                end,
                body,
            )
        )

    for path, body in _sections(split_blocks(text)):
        section = f"{pending_path} · {path}" if pending_start is not None and path else path
        units = _units(body)
        start = pending_start if pending_start is not None else units[0].start
        pending_start = None
        words = word_count(text[start : units[0].start])
        cur_start = start
        for unit in units:
            unit_words = word_count(text[unit.start : unit.end])
            if words >= MIN_WORDS and words + unit_words > MAX_WORDS:
                emit(section, cur_start, unit.start)
                cur_start, words = unit.start, 0
            words += unit_words
        if words < TINY_SECTION_WORDS and cur_start == start:
            pending_path, pending_start = path, start
            continue
        if words < TINY_SECTION_WORDS and chunks and chunks[-1].section == section:
            cur_start = chunks.pop().start  # a short tail belongs with the passage before it
        emit(section, cur_start, units[-1].end)
    if pending_start is not None:
        emit(pending_path, pending_start, len(text))
    return chunks
