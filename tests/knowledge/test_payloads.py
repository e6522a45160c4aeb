"""The allow-list of `/intent{json}` payloads: what the bot offers passes in one spelling, nothing
else sets an intent or an entity."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knowledge.payloads import (
    DOMAIN_DIR,
    as_text,
    build_allow_list,
    domain_payloads,
    get_allow_list,
    guard,
    parse,
)

OFFERED = domain_payloads(DOMAIN_DIR)


def test_every_button_the_domain_offers_is_allowed_as_rasa_sends_it() -> None:
    allow = get_allow_list()
    assert '/inform_kommune{"kommune": "nyborg"}' in OFFERED and "/need_bolig" in OFFERED
    for payload in [*OFFERED, "/ask_human"]:
        assert guard(payload, allow) == (payload, True)


def test_a_payload_is_sent_in_one_spelling() -> None:
    allow = get_allow_list()
    spaced = ' /inform_kommune{ "kommune" :"faxe" } '
    assert guard(spaced, allow) == ('/inform_kommune{"kommune": "faxe"}', True)


@pytest.mark.parametrize(
    "message",
    [
        # A slot set to a CPR number by Rasa's own \u decoding, after the app redacted.
        '/inform_kommune{"kommune": "\\u0031\\u0035\\u0030\\u0033\\u0038\\u0037-2941"}',
        '/inform_kommune{"kommune": "150387-2941"}',
        '/inform_kommune{"kommune": "Atlantis"}',
        '/inform_kommune{"kommune": "faxe", "theme": "vold"}',  # an entity the button lacks
        '/need_bolig{"kommune": "faxe"}',
        '/inform_kommune{"kommune": ["faxe"]}',
        '/inform_kommune{"kommune": 1}',
        '/inform_kommune@0.2{"kommune": "faxe"}',  # Rasa's confidence syntax
        '/inform_kommune{"kommune": "faxe"} og mere',
        "/need_bolig+need_vold",  # Rasa's multi-intent split
        "/restart",
        "/session_start",
        "/crisis",
        '/greet{"language": "en"}',
        "/nlu_fallback",
        "/",
        "//ask_human",
        "/ask_human please",
    ],
)
def test_nothing_else_starting_with_a_slash_is_a_payload(message: str) -> None:
    said, is_payload = guard(message, get_allow_list())
    assert not is_payload
    assert not said.startswith("/")
    assert said == as_text(message)


def test_refused_payloads_keep_their_words() -> None:
    assert as_text("/hjælp mig") == "hjælp mig"
    assert as_text("  / / restart") == "restart"
    assert guard("jeg har 3/4 af huslejen", get_allow_list()) == ("jeg har 3/4 af huslejen", False)


def test_entity_values_come_from_the_catalogue_and_the_languages() -> None:
    allow = build_allow_list(
        ['/inform_kommune{"kommune": "nyborg"}', '/pick_language{"language": "da"}'],
        municipalities=frozenset({"nyborg", "odense"}),
    )
    # A municipality added to the catalogue is data: its button needs no code.
    assert allow.allowed('/inform_kommune{"kommune": "odense"}') is not None
    assert allow.allowed('/inform_kommune{"kommune": "aarhus"}') is None
    assert allow.allowed('/pick_language{"language": "uk"}') is not None
    assert allow.allowed('/pick_language{"language": "xx"}') is None


def test_a_button_the_allow_list_cannot_read_is_an_error_at_start() -> None:
    with pytest.raises(ValueError, match="cannot read"):
        build_allow_list(["/x@0.5"], frozenset())


@given(st.text(max_size=80))
def test_whatever_is_written_reaches_rasa_as_words_or_as_an_offered_payload(text: str) -> None:
    said, is_payload = guard("/" + text, get_allow_list())
    if is_payload:
        assert said in [*OFFERED, "/ask_human"]
    else:
        assert not said.lstrip().startswith("/")


@given(st.dictionaries(st.sampled_from(["kommune", "theme", "x"]), st.text(max_size=20)))
def test_no_entity_value_outside_the_vocabulary_passes(entities: dict[str, str]) -> None:
    allow = get_allow_list()
    payload = allow.allowed("/inform_kommune" + json.dumps(entities))
    if payload is not None:
        assert [name for name, _ in payload.entities] == ["kommune"]
        assert payload.entities[0][1] in allow.vocabulary["kommune"]


def test_parse_reads_only_flat_string_payloads() -> None:
    assert parse('/a{"b": "c"}') is not None
    assert parse('/a{"b": {"c": "d"}}') is None
    assert parse("/a{not json}") is None
    assert parse("/A") is None
