from pathlib import Path

import pytest
from fpdf import FPDF

from knowledge.documents import iter_documents, load_document
from knowledge.errors import KnowledgeError

META = "kommune: faxe\ntitle: Testpolitik\nyear: 2024\nsource_type: policy\n"
BODY = "Hjemløshed\n\nIngen borgere skal være tvunget til at sove på gaden i Faxe Kommune."


def _write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    (folder / (path.stem + ".meta.yml")).write_text(META, encoding="utf-8")
    return path


def test_txt_and_md_with_metadata(tmp_path: Path) -> None:
    _write(tmp_path, "a.txt", BODY)
    _write(tmp_path, "b.md", "# Bolig\n\n" + BODY)
    docs = list(iter_documents(tmp_path))
    assert [d.path for d in docs] == ["a.txt", "b.md"]
    assert docs[0].kommune == "faxe" and docs[0].title == "Testpolitik" and docs[0].year == 2024
    assert "sove på gaden" in docs[1].text


def test_pdf_text_is_extracted(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 8, "Hjemløshed", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 8, "Ingen borgere skal være tvunget til at sove på gaden.")
    path = _write(tmp_path, "politik.pdf", bytes(pdf.output()))
    doc = load_document(path, tmp_path)
    assert "Hjemløshed" in doc.text
    assert "sove på gaden" in doc.text


def test_html_main_text_without_navigation(tmp_path: Path) -> None:
    html = (
        "<html><head><title>Politik</title></head><body>"
        "<nav><a href='/'>Forside</a> <a href='/kontakt'>Kontakt os menu</a></nav>"
        "<main><h1>Udsattepolitik</h1><h2>Hjemløshed</h2>"
        "<p>Ingen borgere skal være tvunget til at sove på gaden. Kommunen tilbyder en"
        " helhedsorienteret støtte, så man kan komme i en mere permanent bolig.</p>"
        "<ul><li>Flere skæve boliger</li><li>Opsøgende arbejde</li></ul></main>"
        "<footer>Cookiepolitik og tilgængelighedserklæring</footer></body></html>"
    )
    doc = load_document(_write(tmp_path, "side.html", html), tmp_path)
    assert "sove på gaden" in doc.text
    assert "Opsøgende arbejde" in doc.text
    assert "Cookiepolitik" not in doc.text


def test_missing_metadata_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text(BODY, encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"missing metadata file x\.meta\.yml"):
        list(iter_documents(tmp_path))


def test_broken_pdf_is_a_clear_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "broken.pdf", b"%PDF-1.4 this is not really a pdf")
    with pytest.raises(KnowledgeError, match="not a readable PDF"):
        load_document(path, tmp_path)


def test_project_corpus_has_five_policies_with_metadata(project_root: Path) -> None:
    docs = list(iter_documents(project_root / "knowledge" / "corpus"))
    assert sorted(d.kommune or "" for d in docs) == [
        "faxe", "jammerbugt", "norddjurs", "nyborg", "svendborg",
    ]  # fmt: skip
    assert all(d.source_type == "policy" and d.title for d in docs)
