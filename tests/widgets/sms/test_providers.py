"""Signatures checked against the providers' own client code (twilio's RequestValidator,
PyJWT), not against a copy of our algorithm."""

import jwt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator

from widgets.sms.providers import (
    Forbidden,
    Malformed,
    check_gatewayapi,
    check_twilio,
    read_gatewayapi,
    twilio_signature,
    twiml,
)

URL = "https://alledore.example.dk/sms/twilio?kommune=svendborg"
PARAMS = {"From": "+4512345678", "Body": "har ingen steder at sove", "MessageSid": "SM1"}


def test_a_request_signed_by_twilio_is_accepted() -> None:
    signature = RequestValidator("token").compute_signature(URL, PARAMS)
    check_twilio("token", URL, list(PARAMS.items()), signature)
    with_port = "https://alledore.example.dk:443/sms/twilio?kommune=svendborg"
    check_twilio("token", with_port, list(PARAMS.items()), signature)


@pytest.mark.parametrize(
    ("token", "url", "params", "why"),
    [
        ("wrong", URL, PARAMS, "another account's token"),
        ("token", URL.replace("svendborg", "faxe"), PARAMS, "another URL"),
        ("token", URL, PARAMS | {"Body": "noget andet"}, "a changed body"),
    ],
)
def test_a_forged_request_is_refused(
    token: str, url: str, params: dict[str, str], why: str
) -> None:
    signature = RequestValidator("token").compute_signature(URL, PARAMS)
    with pytest.raises(Forbidden):
        check_twilio(token, url, list(params.items()), signature)


def test_a_missing_signature_is_refused() -> None:
    with pytest.raises(Forbidden):
        check_twilio("token", URL, list(PARAMS.items()), "")


def test_twiml_escapes_the_text_and_can_say_nothing() -> None:
    assert "<Message>a &lt;b&gt; &amp; c</Message>" in twiml("a <b> & c")
    assert twiml(None).endswith("<Response/>")


def test_gatewayapi_jwt_checked_with_pyjwt() -> None:
    secret, other = "s" * 32, "o" * 32  # HS256 wants keys of 32 bytes or more
    check_gatewayapi(secret, jwt.encode({"id": 1}, secret, algorithm="HS256"))
    for header in ["", "not.a.jwt", jwt.encode({"id": 1}, other, algorithm="HS256")]:
        with pytest.raises(Forbidden):
            check_gatewayapi(secret, header)


def test_gatewayapi_message_read() -> None:
    body = b'{"id": 1000001, "msisdn": 4512345678, "receiver": 4587654321, "message": "hej"}'
    assert read_gatewayapi(body) == ("4512345678", "hej", "1000001")
    with pytest.raises(Malformed):
        read_gatewayapi(b'{"msisdn": 45}')


@settings(max_examples=200, deadline=None)
@given(
    params=st.dictionaries(st.text(min_size=1, max_size=20), st.text(max_size=200), max_size=8),
    path=st.text(alphabet="abcdefghij/-_", max_size=30),
)
def test_our_signature_is_twilios_for_any_form(params: dict[str, str], path: str) -> None:
    url = f"https://example.dk/{path}"
    expected = RequestValidator("token").compute_signature(url, params)
    assert twilio_signature("token", url, params.items()) == expected
