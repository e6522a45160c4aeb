"""Every operation in the app's own OpenAPI spec, fuzzed by schemathesis against the real running
stack (Rasa, the action server, the app): no 5xx, no response outside its documented schema, no
undocumented status code or content type (all of schemathesis' default checks).

The SMS webhooks are fuzzed too: a fuzzed request has no valid Twilio signature or GatewayAPI JWT,
so it gets the documented 403, and nothing is processed.

The spec is read from the app itself when the tests are collected (schemathesis parametrizes from
it then, before the stack runs), and checked to be the one the running stack serves.
"""

import itertools
import json
import urllib.parse
import urllib.request
from typing import Any

import pytest
import schemathesis
from hypothesis import settings
from schemathesis import Case

from stack.supervisor import Supervisor
from widgets.app import create_app

pytestmark = pytest.mark.stack

# Generated cases an operation in the fuzzing phase, on top of the coverage phase's fixed set:
# about a thousand requests, a few dozen of them whole Rasa turns (0.1 to a few seconds each).
# The file takes about a minute on two cores, half of it the stack's start.
MAX_EXAMPLES = 150

# schemathesis' default expected statuses for valid and invalid requests, widened only where the
# spec cannot say what the app does:
# - 413 (both): a body over the app's byte limit is refused before it is read, however valid its
#   JSON; JSON Schema counts characters, not bytes.
# - 400 from /api/search and /api/services: a question with no words in it, or a municipality the
#   catalogue does not know, gets a kind 400. Municipalities are data, not an enum in the code.
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "413", "429", "5xx"]
REJECTED = [
    "400",
    "401",
    "403",
    "404",
    "405",
    "406",
    "409",
    "413",
    "415",
    "422",
    "428",
    "429",
    "5xx",
]
CONFIG = {
    "checks": {
        "positive_data_acceptance": {"expected-statuses": ACCEPTED},
        "negative_data_rejection": {"expected-statuses": REJECTED},
    },
    "operations": [
        {
            "include-path": path,
            "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "400"]}},
        }
        for path in ("/api/search", "/api/services")
    ],
}

# The limit per client address (240 turns a minute) is for people; the fuzzer sends hundreds of
# requests in seconds. Each case comes from its own documentation address (RFC 5737) through
# uvicorn's trusted proxy header, so the fuzzer meets answers rather than 429s, and the other stack
# tests keep 127.0.0.1's budget. The limits themselves are tested in test_rate_limit.py.
ADDRESSES = itertools.cycle(f"198.51.100.{n}" for n in range(1, 255))

SPEC = create_app().openapi()
schema = schemathesis.openapi.from_dict(SPEC, config=schemathesis.Config.from_dict(CONFIG))


def test_the_fuzzed_spec_is_the_one_the_stack_serves(running_stack: Supervisor) -> None:
    with urllib.request.urlopen(f"{running_stack.settings.app_url}/openapi.json") as response:
        assert json.loads(response.read()) == SPEC


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None)
def test_every_operation_keeps_its_documented_promises(
    case: Case[Any], running_stack: Supervisor
) -> None:
    address = next(ADDRESSES)
    case.call_and_validate(
        base_url=running_stack.settings.app_url, headers={"X-Forwarded-For": address}, timeout=60
    )


def test_the_longest_documented_question_gets_through_the_server(running_stack: Supervisor) -> None:
    # Regression: `q` was documented up to 20 000 characters, but a URL that long in 4-byte
    # characters is refused by the HTTP server itself (400, text/plain) before the app sees it.
    q = urllib.parse.quote("\U0001f600" * 2000)
    url = f"{running_stack.settings.app_url}/api/search?q={q}"
    request = urllib.request.Request(url, headers={"X-Forwarded-For": "198.51.100.255"})
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status == 200
