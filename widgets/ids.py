"""Conversation ids: the web's are issued by the server, SMS ones live in a space of their own.

A web id is 24 random bytes (192 bits) and an HMAC tag over them with
ALLEDORE_SESSION_ID_SECRET, so the app can tell an id it issued from one a client made up. A
client id without a valid tag (a CPR number, a guess, an SMS key) is never stored or passed to
Rasa: the turn starts a new conversation with a fresh id, which the client then uses.

An SMS conversation's id is "sms-" and an HMAC of the number's digits with
ALLEDORE_SMS_NUMBER_SECRET (widgets/sms/state.py number_key). A web id is never one (it is 32 + 1
+ 22 characters of the URL-safe alphabet and a dot, with a valid tag), and the web routes accept
only web ids: nothing on the web reads or writes an SMS conversation, whoever can compute its key.

Rotating a secret: set a new value and restart the app. With a new session secret every open web
conversation starts anew at its next turn (the widget takes the new id it is given); with a new
SMS secret every number starts a new conversation. The conversations under the old ids are no
longer reachable and are deleted by the retention purge (ALLEDORE_RETENTION_DAYS; `make purge`).
"""

import base64
import hashlib
import hmac
import re
import secrets

NONCE_BYTES = 24  # 192 bits, 32 characters
TAG_BYTES = 16  # 128 bits, 22 characters
WEB_ID = re.compile(r"[A-Za-z0-9_-]{32}\.[A-Za-z0-9_-]{22}")
SMS_PREFIX = "sms-"
SMS_ID = re.compile(r"sms-[0-9a-f]{40}")


def _tag(nonce: str, secret: str) -> str:
    # The purpose is part of the message, so a tag made for one use is no good for another.
    digest = hmac.new(secret.encode(), b"web-session:" + nonce.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:TAG_BYTES]).rstrip(b"=").decode()


def new_web_id(secret: str) -> str:
    """A new anonymous web conversation: random, nothing about the person in it."""
    nonce = secrets.token_urlsafe(NONCE_BYTES)
    return f"{nonce}.{_tag(nonce, secret)}"


def is_web_id(value: str | None, secret: str) -> bool:
    """Issued by this app (with this secret): the form, and the tag."""
    if not value or not WEB_ID.fullmatch(value):
        return False
    nonce, tag = value.split(".")
    return hmac.compare_digest(tag, _tag(nonce, secret))


def web_id(value: str | None, secret: str) -> str:
    """The client's id if this app issued it, else a new one."""
    return value if value is not None and is_web_id(value, secret) else new_web_id(secret)


def is_sms_id(value: str | None) -> bool:
    """The form of an SMS conversation id (only the SMS gateway makes one)."""
    return bool(value) and SMS_ID.fullmatch(value or "") is not None
