"""No message text in any log: records that quote what a person wrote, in every way a library
writes them, leave the log record factory without it."""

import io
import json
import logging
import warnings
from collections.abc import Iterator

import pytest

from knowledge.logsafe import WITHHELD, install, turn, withhold

CPR, PHONE, EMAIL = "150387-2941", "28 41 93 67", "mette.k.jensen@hotmail.dk"
SAID = f"jeg hedder Mette, mit cpr er {CPR}, ring på {PHONE} eller {EMAIL}"
PAYLOAD = '/inform_kommune{"kommune": "Kildebakken 14 hos Mette"}'
SECRETS = [CPR, PHONE, EMAIL, "Mette", "Kildebakken"]


@pytest.fixture
def written() -> Iterator[io.StringIO]:
    """What a handler of this process writes, with the factory installed (as every process
    of the stack does when it starts); the process's logging as it was afterwards."""
    factory = logging.getLogRecordFactory()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    install()
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        logging.setLogRecordFactory(factory)
        logging.captureWarnings(False)


def assert_none_written(stream: io.StringIO) -> None:
    text = stream.getvalue()
    assert text, "nothing was logged at all"
    for value in SECRETS:
        assert value not in text, (value, text)


def test_the_turns_text_is_withheld_however_a_record_quotes_it(written: io.StringIO) -> None:
    log = logging.getLogger("rasa.core.processor")
    with turn(SAID):
        log.debug("Received a message '%s'", SAID)
        log.info(f"as an f-string: {SAID}")
        log.info("as JSON: %s", json.dumps({"said": SAID}))
        log.info("as a repr: %r", [SAID])
        log.warning("in a dict: %(said)s", {"said": SAID})
    assert_none_written(written)
    assert written.getvalue().count(WITHHELD) == 5


def test_an_exceptions_text_and_traceback_are_withheld(written: io.StringIO) -> None:
    log = logging.getLogger("widgets.chat")
    with turn(SAID):
        try:
            raise ValueError(f"could not read {SAID!r}")
        except ValueError:
            log.exception("chat turn failed")
    assert_none_written(written)
    assert "Traceback" in written.getvalue() and "chat turn failed" in written.getvalue()


def test_rasas_parse_failure_is_withheld_whole_in_or_out_of_a_turn(written: io.StringIO) -> None:
    # rasa's structlog renders events as JSON lines through the standard library's logging.
    event = {"event": "message.parsing.failed", "user_text": PAYLOAD, "level": "warning"}
    logging.getLogger("rasa.shared.core").warning(json.dumps(event))
    # ... and its raise_warning is a Python warning, a record of its own once install() sent
    # warnings through logging (done here again: pytest takes warnings over for each test).
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        logging.captureWarnings(False)
        logging.captureWarnings(True)
        warnings.warn(f"Failed to parse arguments in line '{PAYLOAD}'. Continuing", stacklevel=1)
        logging.captureWarnings(False)
    assert_none_written(written)
    assert written.getvalue().count(WITHHELD) == 2


def test_personal_data_is_redacted_even_outside_a_turn(written: io.StringIO) -> None:
    logging.getLogger("rasa_sdk.executor").error("tracker said %s to %s", CPR, EMAIL)
    logging.getLogger("x").info("phone %s", PHONE)
    text = written.getvalue()
    assert CPR not in text and EMAIL not in text and PHONE not in text
    assert "[cpr]" in text and "[e-mail]" in text and "[tlf]" in text


def test_a_form_of_the_text_that_came_about_in_the_turn_is_withheld(
    written: io.StringIO,
) -> None:
    with turn("/hej med Mette!"):
        withhold("hej med Mette!")  # what the allow-list made of it
        logging.getLogger("x").info("sent hej med Mette! on")
    logging.getLogger("x").info("after the turn: Mette")  # the turn's words are no secret now
    assert "sent [message text withheld] on" in written.getvalue()


def test_ordinary_records_are_kept_as_they_are(written: io.StringIO) -> None:
    logging.getLogger("uvicorn.error").info("Started server process [%d]", 4242)
    logging.getLogger("uvicorn.access").info(
        '%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", "/health", "1.1", 200
    )
    text = written.getvalue()
    assert "Started server process [4242]" in text
    assert '127.0.0.1:5000 - "GET /health HTTP/1.1" 200' in text


def test_installing_twice_filters_once(written: io.StringIO) -> None:
    install()
    with turn("noget helt privat"):
        logging.getLogger("x").info("noget helt privat")
    assert written.getvalue().strip().endswith(f"x {WITHHELD}")
