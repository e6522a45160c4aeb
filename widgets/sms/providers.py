"""SMS providers behind one small interface: check that a request really comes from the
provider, read the message from it, and send the reply the provider's way.

- Twilio: form post signed with X-Twilio-Signature (HMAC-SHA1 with the account's auth token over
  the full URL plus the POST parameters sorted by name); the reply goes back as TwiML.
- GatewayAPI (gatewayapi.com, a Danish gateway): JSON post ("MO SMS": id, msisdn, receiver,
  message, senttime) signed with a JWT (HS256, a shared secret) in X-Gwapi-Signature, whose
  claims are the same payload; the reply is sent as a new message through its REST API
  (POST /rest/mtsms).
"""

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit
from xml.sax.saxutils import escape

import httpx
import jwt


class Forbidden(Exception):
    """Unsigned or forged: nothing is processed."""


class Malformed(Exception):
    """Signed, but not a message we can read."""


def twilio_signature(token: str, url: str, params: Iterable[tuple[str, str]]) -> str:
    """Twilio's request signature: the URL, then each parameter name followed by its values,
    names sorted (and a name's values sorted), HMAC-SHA1 with the auth token, base64."""
    by_name: dict[str, set[str]] = {}
    for name, value in params:
        by_name.setdefault(name, set()).add(value)
    data = url + "".join(n + v for n in sorted(by_name) for v in sorted(by_name[n]))
    digest = hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def _with_and_without_port(url: str) -> set[str]:
    """Twilio signs the URL as configured, which may or may not name the default port."""
    parts = urlsplit(url)
    default = {"https": 443, "http": 80}.get(parts.scheme)
    host = parts.hostname or ""
    bare = urlunsplit(parts._replace(netloc=host))
    port = parts.port or default
    with_port = urlunsplit(parts._replace(netloc=f"{host}:{port}")) if port else bare
    return {url, bare, with_port}


def check_twilio(token: str, url: str, params: list[tuple[str, str]], signature: str) -> None:
    if not token:
        raise Forbidden("Twilio is off (no ALLEDORE_TWILIO_AUTH_TOKEN)")
    if not signature:
        raise Forbidden("missing X-Twilio-Signature")
    for candidate in _with_and_without_port(url):
        expected = twilio_signature(token, candidate, params)
        if hmac.compare_digest(expected, signature):
            return
    raise Forbidden("X-Twilio-Signature does not match")


def twilio_message_id(signature: str, body: str) -> str:
    """An id for a Twilio request without MessageSid: its signature (which covers the URL and
    every parameter) and its body. A redelivery of the same request gets the same id."""
    digest = hashlib.sha256(f"{signature}\x1f{body}".encode()).hexdigest()
    return f"signed:{digest}"


def twiml(text: str | None) -> str:
    """The reply as TwiML; no text means no message at all."""
    if not text:
        return '<?xml version="1.0" encoding="UTF-8"?><Response/>'
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"<Response><Message>{escape(text)}</Message></Response>"
    )


# The fields of an MO SMS that the JWT must carry with the body's values: GatewayAPI signs the
# whole payload as the token's claims, so what is processed is what was signed.
GATEWAYAPI_BOUND = ("id", "msisdn", "message")
# GatewayAPI tokens carry no `exp`; the MO SMS's `senttime` dates them. A delivery is retried for
# up to 12 hours, so older than this is refused; a little clock skew is allowed.
CLOCK_SKEW_S = 300


def read_gatewayapi(body: bytes) -> tuple[str, str, str]:
    """(number, text, message id) from a GatewayAPI MO SMS."""
    try:
        data = json.loads(body)
        return str(data["msisdn"]), str(data.get("message") or ""), str(data["id"])
    except (ValueError, KeyError, TypeError) as error:
        raise Malformed("not a GatewayAPI MO SMS") from error


def _fresh(claims: dict[str, object], now: float, max_age_s: float) -> None:
    """An expiry is required: `exp` (checked by PyJWT) or a `senttime` no older than max_age_s."""
    if "exp" in claims:
        return
    sent = claims.get("senttime")
    if not isinstance(sent, (int, float)) or isinstance(sent, bool):
        raise Forbidden("X-Gwapi-Signature: no expiry (neither exp nor senttime)")
    if sent < now - max_age_s or sent > now + CLOCK_SKEW_S:
        raise Forbidden("X-Gwapi-Signature: expired (senttime out of range)")


def check_gatewayapi(
    secret: str, header: str, body: bytes, max_age_s: float, now: float | None = None
) -> tuple[str, str, str]:
    """(number, text, message id) of a signed MO SMS: the JWT is valid, not expired, and its
    claims carry the body's id, number and text. Replays are refused by the message id."""
    if not secret:
        raise Forbidden("GatewayAPI is off (no ALLEDORE_GATEWAYAPI_JWT_SECRET)")
    if not header:
        raise Forbidden("missing X-Gwapi-Signature")
    now = time.time() if now is None else now
    try:
        claims = jwt.decode(header, secret, algorithms=["HS256"], leeway=CLOCK_SKEW_S)
    except jwt.PyJWTError as error:
        raise Forbidden(f"X-Gwapi-Signature: {type(error).__name__}") from error
    _fresh(claims, now, max_age_s)
    try:
        data = json.loads(body)
    except ValueError as error:
        raise Malformed("not a GatewayAPI MO SMS") from error
    if not isinstance(data, dict):
        raise Malformed("not a GatewayAPI MO SMS")
    for name in GATEWAYAPI_BOUND:
        if name not in claims or str(claims[name]) != str(data.get(name)):
            raise Forbidden(f"X-Gwapi-Signature: does not sign this message ({name})")
    return read_gatewayapi(body)


async def send_gatewayapi(
    url: str, token: str, sender: str, number: str, text: str, timeout: float = 10.0
) -> None:
    """Send a reply through GatewayAPI's REST API."""
    body = {"sender": sender, "message": text, "recipients": [{"msisdn": int(number)}]}
    async with httpx.AsyncClient(timeout=timeout) as client:
        response = await client.post(url, json=body, headers={"Authorization": f"Token {token}"})
        response.raise_for_status()
