"""What protects the app: security headers on every response, a size limit on request bodies,
and the refusal to run in production with a development secret.

The widget itself is embedded on municipal sites; what their own Content-Security-Policy must
allow for it is in README ("Embed the widget").
"""

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Receive, Scope, Send

from widgets.settings import WebSettings

# The app's own pages (demo, no-JS chat, staff console, API docs) load nothing from another host.
PAGE_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'; "
    "object-src 'none'"
)
# Everything else (JSON, scripts, styles) is never a document: nothing may run or frame it.
OTHER_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "SAMEORIGIN",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
# What carries a conversation, or what a person wrote: the chat API (and search, whose query
# is their words), the page without JavaScript, the staff console, the SMS webhooks. No cache,
# in the browser or on the way, keeps it.
NO_STORE_PATHS = ("/api/", "/chat", "/staff", "/sms/")
# Browsers keep to HTTPS for a year once they have seen this over HTTPS (ignored over HTTP).
HSTS = "max-age=31536000; includeSubDomains"

# The development defaults in stack/settings.py and widgets/settings.py: never in production.
PLACEHOLDERS = {
    "local-dev-token",
    "local-dev-actions-token",
    "dev-twilio-token",
    "dev-sms-number-secret",
    "dev-session-id-secret",
    "dev-only-gatewayapi-jwt-secret-0000",
}
MIN_SECRET_CHARS = 24


def security_headers(
    headers: MutableMapping[str, str] | MutableHeaders, production: bool, path: str = ""
) -> None:
    """Add the headers every response carries (a route's own choice is kept, except that what
    carries a conversation is never cached)."""
    if path.startswith(NO_STORE_PATHS):
        headers["Cache-Control"] = "no-store"
    for name, value in HEADERS.items():
        headers.setdefault(name, value)
    is_page = headers.get("content-type", "").startswith("text/html")
    headers.setdefault("Content-Security-Policy", PAGE_CSP if is_page else OTHER_CSP)
    if production:
        headers.setdefault("Strict-Transport-Security", HSTS)


def production_problems(settings: WebSettings) -> list[str]:
    """What keeps the app from running in production; empty when nothing does (and always
    empty in development)."""
    if settings.mode != "production":
        return []
    problems = []
    secrets = {
        "ALLEDORE_RASA_TOKEN": settings.rasa_token,
        "ALLEDORE_ACTIONS_TOKEN": settings.actions_token,
        "ALLEDORE_SMS_NUMBER_SECRET": settings.sms_number_secret,
        "ALLEDORE_SESSION_ID_SECRET": settings.session_id_secret,
    }
    # An SMS provider's secret may be empty: that provider is then off (its webhook refuses all).
    optional = {
        "ALLEDORE_TWILIO_AUTH_TOKEN": settings.twilio_auth_token,
        "ALLEDORE_GATEWAYAPI_JWT_SECRET": settings.gatewayapi_jwt_secret,
    }
    secrets |= {name: value for name, value in optional.items() if value}
    # The stores' passwords, when the stores are used (the embedded defaults have none).
    if settings.tracker_store == "postgresql":
        secrets["ALLEDORE_POSTGRES_PASSWORD"] = settings.postgres_password
    if "redis" in (settings.lock_store, settings.rate_limit_store):
        secrets["ALLEDORE_REDIS_PASSWORD"] = settings.redis_password
    for name, value in secrets.items():
        if not value:
            problems.append(f"{name} is empty; set a secret of your own")
        elif value in PLACEHOLDERS or value.startswith(("dev-", "local-dev")):
            problems.append(f"{name} is the development placeholder; set a secret of your own")
        elif len(value) < MIN_SECRET_CHARS:
            problems.append(f"{name} is shorter than {MIN_SECRET_CHARS} characters")
    if "*" in settings.cors_origins:
        problems.append("ALLEDORE_CORS_ORIGINS contains '*'; list the municipal sites instead")
    return problems


class BodyLimit:
    """Refuse a request body over `max_bytes` (413) before more of it is read, whether it says
    its length or streams. `refuse` makes the kind answer for the request."""

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        refuse: Callable[[Scope], Awaitable[tuple[int, dict[str, str], bytes]]],
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length", b"0")
        try:
            too_large = int(declared) > self.max_bytes
        except ValueError:
            too_large = True
        if too_large:
            await self._refuse(scope, send)
            return
        received = 0
        started = refused = False

        async def counted() -> MutableMapping[str, Any]:
            # Over the limit: answer 413 at once and tell the app the client has gone, so it
            # stops reading (a read error inside the app would otherwise become its own 400).
            nonlocal received, started, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    refused = True
                    if not started:
                        started = True
                        await self._refuse(scope, send)
                    return {"type": "http.disconnect"}
            return message

        async def watched(message: MutableMapping[str, Any]) -> None:
            nonlocal started
            if refused:
                return  # the 413 was the answer; whatever the app says after it is dropped
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except Exception:
            if not refused:
                raise

    async def _refuse(self, scope: Scope, send: Send) -> None:
        status, headers, body = await self.refuse(scope)
        raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
        raw.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": body})
