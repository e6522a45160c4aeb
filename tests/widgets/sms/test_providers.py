"""Signatures checked against the providers' own client code (twilio's RequestValidator,
PyJWT), not against a copy of our algorithm."""

import json
import time

import jwt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator

from tests.widgets.sms.signing import gatewayapi_signed
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


SECRET, OTHER = "s" * 32, "o" * 32  # HS256 wants keys of 32 bytes or more
MO = {"id": 1000001, "msisdn": 4512345678, "receiver": 4587654321, "message": "hej"}
DAY = 86400.0


def test_gatewayapi_jwt_checked_with_pyjwt() -> None:
    body, header = gatewayapi_signed(MO, SECRET)
    raw = json.dumps(body).encode()
    assert check_gatewayapi(SECRET, header, raw, DAY) == ("4512345678", "hej", "1000001")
    for bad in ["", "not.a.jwt", gatewayapi_signed(MO, OTHER)[1]]:
        with pytest.raises(Forbidden):
            check_gatewayapi(SECRET, bad, raw, DAY)


def test_gatewayapi_jwt_must_sign_this_very_message() -> None:
    body, header = gatewayapi_signed(MO, SECRET)
    for name, value in [("message", "noget andet"), ("msisdn", 4599999999), ("id", 1000002)]:
        forged = json.dumps({**body, name: value}).encode()
        with pytest.raises(Forbidden, match=name):
            check_gatewayapi(SECRET, header, forged, DAY)
    # A token for the id alone, as a careless sender might make, signs no message.
    only_id = jwt.encode({"id": MO["id"], "senttime": body["senttime"]}, SECRET, algorithm="HS256")
    with pytest.raises(Forbidden):
        check_gatewayapi(SECRET, only_id, json.dumps(body).encode(), DAY)


def test_gatewayapi_jwt_must_carry_an_expiry_and_be_fresh() -> None:
    now = time.time()
    undated = jwt.encode(MO, SECRET, algorithm="HS256")
    with pytest.raises(Forbidden, match="no expiry"):
        check_gatewayapi(SECRET, undated, json.dumps(MO).encode(), DAY, now)
    for sent in (now - DAY - 60, now + 3600):
        body, header = gatewayapi_signed(MO, SECRET, sent)
        with pytest.raises(Forbidden, match="expired"):
            check_gatewayapi(SECRET, header, json.dumps(body).encode(), DAY, now)
    # An `exp` claim is checked by PyJWT: past is refused, future taken.
    for exp, ok in ((now - 3600, False), (now + 3600, True)):
        header = jwt.encode({**MO, "exp": int(exp)}, SECRET, algorithm="HS256")
        if ok:
            assert check_gatewayapi(SECRET, header, json.dumps(MO).encode(), DAY, now)
        else:
            with pytest.raises(Forbidden, match="Expired"):
                check_gatewayapi(SECRET, header, json.dumps(MO).encode(), DAY, now)


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
