"""No message text in any log: one filter on every log record of every process of the stack.

What a person writes must not reach a log file, whatever library writes the record: Rasa logs a
message it cannot read as `/intent{json}` whole (a structlog event, and a Python warning), its
debug lines quote every message, and an exception's text can quote what it choked on. So
`install()` puts a log record factory in front of every logger of the process (handlers and
formatters come and go; the factory sees every record as it is made), and each record leaves it
with

- the records known to carry a message (`CARRIES_TEXT`) withheld whole;
- the text of the turn being handled (`turn()`, set by the app and by Rasa's channel) withheld
  wherever it appears, also JSON- or repr-escaped;
- CPR numbers, phone numbers, e-mails and addresses redacted (knowledge/redact.py), for text of a
  turn the record quotes only in part.

Python warnings are sent through logging too, so they meet the same factory. It runs in both
Python environments (the standard library and knowledge.redact only).
"""

import json
import logging
import re
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from knowledge.redact import redact

WITHHELD = "[message text withheld]"
# Records whose very kind is to quote a message: Rasa's parse failure (a structlog event and the
# warning of rasa/shared/core/training_data/story_reader/yaml_story_reader.py), its debug lines
# on each message (rasa/core/processor.py), and structlog fields that hold the text.
CARRIES_TEXT = re.compile(
    r"message\.parsing\.failed|Failed to parse arguments in line|Received user message"
    r"|Logged UserUtterance|\"(?:user_)?text\"\s*:|\"parse_data_text\"|\"user_message\"",
    re.IGNORECASE,
)
# Shorter than this, a turn's text ("1", "ja") is a word any log line may hold; it is also no
# personal data.
MIN_WITHHELD_CHARS = 4
# uvicorn's access formatter unpacks its record's arguments: they keep their shape.
KEEPS_ARGUMENTS = {"uvicorn.access"}

_turn: ContextVar[tuple[str, ...]] = ContextVar("alledore_turn_text", default=())


@contextmanager
def turn(*texts: str) -> Iterator[None]:
    """While a turn is handled: its texts are withheld from every record made in it."""
    token = _turn.set(_turn.get() + _forms(texts))
    try:
        yield
    finally:
        _turn.reset(token)


def withhold(text: str) -> None:
    """Add a form of the turn's text that came about during the turn (cleaned, redacted)."""
    _turn.set(_turn.get() + _forms([text]))


def _forms(texts: Any) -> tuple[str, ...]:
    found: set[str] = set()
    for text in texts:
        text = str(text or "").strip()
        if len(text) < MIN_WITHHELD_CHARS:
            continue
        found |= {text, json.dumps(text)[1:-1], json.dumps(text, ensure_ascii=False)[1:-1]}
        found.add(repr(text)[1:-1])
    # Longest first, so a text inside another is not withheld in part.
    return tuple(sorted(found, key=len, reverse=True))


def scrub(text: str) -> str:
    """A log line as it may be written."""
    if CARRIES_TEXT.search(text):
        return WITHHELD
    for said in _turn.get():
        text = text.replace(said, WITHHELD)
    return redact(text).text


def _scrub_value(value: Any) -> Any:
    if value is None or isinstance(value, int | float):
        return value
    return scrub(str(value))


def clean(record: logging.LogRecord) -> logging.LogRecord:
    """The record with nothing a person wrote left in its message, traceback or stack."""
    if record.name in KEEPS_ARGUMENTS and isinstance(record.args, tuple):
        record.msg = scrub(str(record.msg))
        record.args = tuple(_scrub_value(a) for a in record.args)
    else:
        try:
            message = record.getMessage()
        except Exception:  # a record whose arguments do not fit its format
            message = str(record.msg)
        record.msg, record.args = scrub(message), ()
    if record.exc_info and record.exc_info[0] is not None:
        formatted = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        # A formatter writes exc_text as it is, and leaves a record without exc_info alone.
        record.exc_text, record.exc_info = scrub(formatted), None
    elif record.exc_text:
        record.exc_text = scrub(record.exc_text)
    if record.stack_info:
        record.stack_info = scrub(record.stack_info)
    return record


def install() -> None:
    """Every log record of this process through clean(), and warnings through logging. Called
    when a process starts (the app, the action server, Rasa's channel); twice is once."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "alledore_logsafe", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return clean(previous(*args, **kwargs))

    marked: Callable[..., logging.LogRecord] = factory
    marked.alledore_logsafe = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(marked)
    logging.captureWarnings(True)
