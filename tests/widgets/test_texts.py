"""The words on the web surfaces: every text a page or the widget asks for exists, and the
Danish is plain (LIX)."""

import re
import statistics
from pathlib import Path

from knowledge.text import lix
from widgets.texts import ui_texts

WIDGETS = Path(__file__).resolve().parent.parent.parent / "widgets"


def test_the_danish_texts_are_plain() -> None:
    texts = [str(t) for group in ui_texts("da").values() for t in group.values()]
    sentences = [t for t in texts if len(t.split()) >= 6]
    assert statistics.median(lix(t) for t in sentences) <= 35


def test_every_widget_text_the_script_asks_for_exists() -> None:
    script = (WIDGETS / "static" / "widget.js").read_text(encoding="utf-8")
    asked = set(re.findall(r"this\.text\('([a-z_]+)'", script))
    assert asked and asked <= set(ui_texts("da")["widget"])


def test_every_page_text_the_templates_ask_for_exists() -> None:
    texts = ui_texts("da")
    checked = 0
    for template in (WIDGETS / "templates").glob("*.html"):
        for group, key in re.findall(r"\{\{ ?(t|w)\.([a-z_]+)", template.read_text()):
            checked += 1
            name = {"t": "staff" if template.name.startswith("staff") else "pages", "w": "widget"}
            assert key in texts[name[group]], f"{template.name}: {group}.{key}"
    assert checked > 50
