"""Rasa's own REST channel (bot/addons/channel.py), run in Rasa's environment without a server:
a direct POST to its webhook meets the same allow-list as the app."""

import json
import os
import subprocess

from stack.settings import PROJECT_DIR, StackSettings

# The channel's message handler, captured from its blueprint and given messages as Rasa's REST
# route would: what reaches Rasa's message processing is printed as JSON.
CHANNEL_RUN = """
import asyncio, json, sys
from rasa.core.channels import rest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from addons.channel import SafeRestInput

captured = []
rest.RestInput.blueprint = lambda self, on_new: captured.append(on_new) or rest.Blueprint("x")
reached = []

async def processing(message):
    reached.append(message.text)

SafeRestInput(token="t").blueprint(processing)
for text in json.loads(sys.argv[1]):
    message = UserMessage(text, CollectingOutputChannel(), "channel-test", metadata={})
    asyncio.run(captured[0](message))
print(json.dumps(reached))
"""

SENT = [
    "/ask_human",
    '/inform_kommune{ "kommune":"faxe"}',
    '/inform_kommune{"kommune": "\\u0031\\u0035\\u0030\\u0033\\u0038\\u0037-2941"}',
    "/restart",
    '/need_bolig{"kommune": "faxe"}',
    "mit cpr er 150387-2941",
]


def test_a_direct_post_sets_no_intent_but_an_offered_button() -> None:
    rasa_python = StackSettings().rasa_venv / "bin" / "python"
    env = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": f"{PROJECT_DIR}{os.pathsep}{PROJECT_DIR / 'bot'}",
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }
    done = subprocess.run(
        [str(rasa_python), "-c", CHANNEL_RUN, json.dumps(SENT)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=240,
    )
    reached = json.loads(done.stdout.strip().splitlines()[-1])
    # Offered buttons pass in the domain's spelling ...
    assert reached[:2] == ["/ask_human", '/inform_kommune{"kommune": "faxe"}']
    # ... anything else starting with "/" reaches Rasa as words (and redacted like words).
    assert reached[2].startswith('inform_kommune{"kommune": "\\u0031')
    assert reached[3:] == ["restart", 'need_bolig{"kommune": "faxe"}', "mit cpr er [cpr]"]


# Rasa's own logging as `rasa run` sets it up, then the channel made (as Rasa makes it at start),
# then what Rasa writes when it reads a `/` message it cannot take: a structlog event and a
# warning, each quoting the message whole, and a debug line, and an error that quotes a turn.
RASA_LOGS = """
import asyncio, logging, sys
from rasa.utils.common import configure_logging_and_warnings
from rasa.utils.log_utils import configure_structlog
configure_logging_and_warnings(logging.DEBUG)
configure_structlog(logging.DEBUG)

from rasa.core.channels import rest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.training_data.message import Message
from addons.channel import SafeRestInput

captured = []
rest.RestInput.blueprint = lambda self, on_new: captured.append(on_new) or rest.Blueprint("x")
SafeRestInput(token="t").blueprint(lambda message: failing(message))
for text in sys.argv[1:]:
    YAMLStoryReader.unpack_regex_message(Message({"text": text}))

async def failing(message):
    logging.getLogger("rasa.core.processor").debug("Received user message '%s'", message.text)
    raise RuntimeError(f"could not handle {message.text!r}")

asyncio.run(captured[0](UserMessage(sys.argv[1], CollectingOutputChannel(), "log-test")))
"""


def test_rasa_writes_no_message_text_to_its_log() -> None:
    rasa_python = StackSettings().rasa_venv / "bin" / "python"
    env = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": f"{PROJECT_DIR}{os.pathsep}{PROJECT_DIR / 'bot'}",
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }
    sent = [
        '/inform_kommune{"kommune": "Kildebakken 14 hos Mette", bad json',
        '/no_such_intent{"kommune": "Mette Jensen"}',
    ]
    done = subprocess.run(
        [str(rasa_python), "-c", RASA_LOGS, *sent],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=240,
    )
    written = done.stdout + done.stderr
    # Rasa did write about them (the test would prove nothing otherwise) ...
    assert "[message text withheld]" in written and "A turn failed" in written
    # ... and none of what was written there.
    for value in ("Kildebakken", "Mette", "no_such_intent"):
        assert value not in written, written[-3000:]
