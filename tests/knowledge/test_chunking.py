from pathlib import Path

import pytest

from knowledge.chunking import MAX_WORDS, chunk_document, split_blocks
from knowledge.documents import Document, iter_documents
from knowledge.text import word_count


@pytest.fixture(scope="module")
def corpus(project_root: Path) -> list[Document]:
    return list(iter_documents(project_root / "knowledge" / "corpus"))


@pytest.fixture(scope="module")
def project_root() -> Path:
    return Path(__file__).resolve().parents[2]


def _doc(text: str) -> Document:
    return Document("faxe", "Test", 2024, "policy", "t.txt", text)


def test_headings_are_recognised() -> None:
    kinds = [(b.kind, b.text[:12]) for b in split_blocks(
        "HJEMLØSHED\n\nHjemløshed er svært.\n\nAlle døre er den rigtige dør\n\n"
        "Mål: Færre unge ender i kriminalitet\n\n- en\n- to"
    )]  # fmt: skip
    assert kinds == [
        ("heading", "HJEMLØSHED"),
        ("text", "Hjemløshed e"),
        ("heading", "Alle døre er"),
        ("text", "Mål: Færre u"),
        ("bullets", "- en\n- to"),
    ]


def test_chunk_text_is_the_exact_source_slice(corpus: list[Document]) -> None:
    for doc in corpus:
        for chunk in chunk_document(doc):
            assert doc.text[chunk.start : chunk.end].strip() == chunk.text


def test_chunks_are_mostly_60_to_300_words(corpus: list[Document]) -> None:
    sizes = [word_count(c.text) for doc in corpus for c in chunk_document(doc)]
    assert max(sizes) <= MAX_WORDS * 1.15
    in_range = [s for s in sizes if 40 <= s <= MAX_WORDS * 1.15]
    assert len(in_range) / len(sizes) >= 0.85


def test_every_chunk_keeps_kommune_title_and_section(corpus: list[Document]) -> None:
    for doc in corpus:
        for chunk in chunk_document(doc):
            assert chunk.kommune == doc.kommune and chunk.document == doc.title
            assert chunk.section


def test_norddjurs_focus_areas_sit_under_their_theme(corpus: list[Document]) -> None:
    norddjurs = next(d for d in corpus if d.kommune == "norddjurs")
    sections = [c.section for c in chunk_document(norddjurs)]
    assert "HJEMLØSHED > FOKUSOMRÅDER" in sections
    assert "MISBRUG > FOKUSOMRÅDER" in sections


def test_bullets_stay_with_their_lead_in() -> None:
    lead = "Vi vil især arbejde med dette. " * 12 + "Der skal være fokus på:"
    text = f"BOLIG\n\n{lead}\n\n- skæve boliger\n- opsøgende arbejde\n\nMISBRUG\n\n" + "Ord " * 80
    chunks = chunk_document(_doc(text))
    first = next(c for c in chunks if c.section == "BOLIG")
    assert "fokus på:" in first.text and "- opsøgende arbejde" in first.text


def test_long_sections_are_split_at_sentences() -> None:
    text = "BOLIG\n\n" + " ".join(f"Sætning nummer {i} handler om boliger." for i in range(200))
    chunks = chunk_document(_doc(text))
    assert len(chunks) >= 3
    assert all(word_count(c.text) <= MAX_WORDS * 1.15 for c in chunks)
    assert all(c.text.rstrip().endswith(".") for c in chunks)


def test_ids_depend_only_on_content_and_source(corpus: list[Document]) -> None:
    first = [c.id for d in corpus for c in chunk_document(d)]
    again = [c.id for d in corpus for c in chunk_document(d)]
    assert first == again and len(set(first)) == len(first)
    moved = Document("nyborg", "Test", 2024, "policy", "other.txt", corpus[0].text)
    assert {c.id for c in chunk_document(moved)}.isdisjoint(first)
