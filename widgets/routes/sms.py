"""The SMS webhooks: POST /sms/twilio (TwiML reply) and POST /sms/gatewayapi (reply sent
through GatewayAPI's REST API). A request that is not signed by the provider gets 403."""

import logging
from typing import Annotated

import httpx
from fastapi import APIRouter, BackgroundTasks, Header, Query, Request, Response
from starlette.exceptions import HTTPException

from knowledge.i18n import text
from widgets.deps import SettingsDep, SmsDep
from widgets.models import INVALID_REQUEST
from widgets.settings import WebSettings
from widgets.sms.gateway import Inbound, usable_number
from widgets.sms.providers import (
    Forbidden,
    Malformed,
    check_gatewayapi,
    check_twilio,
    send_gatewayapi,
    twilio_message_id,
    twiml,
)

router = APIRouter(prefix="/sms", tags=["sms"], responses=INVALID_REQUEST)
log = logging.getLogger(__name__)
XML = "application/xml"
# A reply carries a turn of the conversation: no cache keeps it.
NO_STORE = {"Cache-Control": "no-store"}

# What the webhooks answer, documented for /openapi.json: the routes read their bodies themselves
# (the signature covers the raw form or JSON), so the bodies are described here too.
_TEXT = {"text/plain": {"schema": {"type": "string"}}}
_TWIML = {XML: {"schema": {"type": "string"}}}
_FORBIDDEN: dict[str, object] = {
    "description": "Not signed by the provider: nothing is processed.",
    "content": _TEXT,
}
TWILIO_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {
        "description": "The reply as TwiML (no <Message> when nothing is sent).",
        "content": _TWIML,
    },
    400: {
        "description": "Signed, but without a usable From number: a kind refusal.",
        "content": _TWIML,
    },
    403: _FORBIDDEN,
}
TWILIO_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "From": {"type": "string"},
                        "Body": {"type": "string"},
                        "MessageSid": {"type": "string"},
                    },
                    "required": ["From"],
                }
            }
        },
    }
}
GATEWAYAPI_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"description": "Received; the reply goes out through GatewayAPI.", "content": _TEXT},
    400: {
        "description": "Signed, but not an MO SMS, or without a usable number.",
        "content": _TEXT,
    },
    403: _FORBIDDEN,
}
GATEWAYAPI_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "id": {"type": ["integer", "string"]},
                        "msisdn": {"type": ["integer", "string"]},
                        "receiver": {"type": ["integer", "string"]},
                        "message": {"type": "string"},
                        "senttime": {"type": "integer"},
                    },
                    "required": ["id", "msisdn"],
                }
            }
        },
    }
}


def signed_url(request: Request, public: str | None) -> str:
    """The URL the provider signed: the public base URL from settings behind a proxy."""
    if not public:
        return str(request.url)
    query = f"?{request.url.query}" if request.url.query else ""
    return f"{public.rstrip('/')}{request.url.path}{query}"


@router.post(
    "/twilio", response_class=Response, responses=TWILIO_RESPONSES, openapi_extra=TWILIO_BODY
)
async def twilio(
    request: Request,
    settings: SettingsDep,
    gateway: SmsDep,
    kommune: Annotated[str | None, Query(max_length=100)] = None,
    signature: Annotated[str, Header(alias="X-Twilio-Signature")] = "",
) -> Response:
    """Twilio's incoming-message webhook: a form post signed with X-Twilio-Signature."""
    try:
        form = await request.form()
    except HTTPException:  # a broken multipart body: nothing a signature could cover
        log.warning("Twilio webhook refused: the body is not a form")
        return Response("Forbidden", status_code=403, media_type="text/plain")
    params = [(name, str(value)) for name, value in form.multi_items()]
    try:
        check_twilio(
            settings.twilio_auth_token,
            signed_url(request, settings.sms_public_url),
            params,
            signature,
        )
    except Forbidden as error:
        log.warning("Twilio webhook refused: %s", error)
        return Response("Forbidden", status_code=403, media_type="text/plain")
    fields = dict(params)
    if not usable_number(fields.get("From", "")):
        # Nobody to answer, or no way to tell this sender from others: refused, kindly.
        return Response(twiml(no_number()), media_type=XML, status_code=400, headers=NO_STORE)
    body = fields.get("Body", "")
    message_id = fields.get("MessageSid") or twilio_message_id(signature, body)
    inbound = Inbound(fields["From"], body, message_id, kommune)
    reply = twiml(await gateway.handle(inbound, "twilio"))
    return Response(reply, media_type=XML, headers=NO_STORE)


@router.post(
    "/gatewayapi",
    response_class=Response,
    responses=GATEWAYAPI_RESPONSES,
    openapi_extra=GATEWAYAPI_BODY,
)
async def gatewayapi(
    request: Request,
    settings: SettingsDep,
    gateway: SmsDep,
    background: BackgroundTasks,
    kommune: Annotated[str | None, Query(max_length=100)] = None,
    signature: Annotated[str, Header(alias="X-Gwapi-Signature")] = "",
) -> Response:
    """GatewayAPI's MO-SMS webhook: JSON signed with a JWT (HS256) in X-Gwapi-Signature."""
    try:
        number, text, message_id = check_gatewayapi(
            settings.gatewayapi_jwt_secret,
            signature,
            await request.body(),
            settings.gatewayapi_max_age_s,
        )
    except Forbidden as error:
        log.warning("GatewayAPI webhook refused: %s", error)
        return Response("Forbidden", status_code=403, media_type="text/plain")
    except Malformed:
        return Response("Not an MO SMS", status_code=400, media_type="text/plain")
    if not usable_number(number):
        return Response(no_number(), status_code=400, media_type="text/plain", headers=NO_STORE)
    reply = await gateway.handle(Inbound(number, text, message_id, kommune), "gatewayapi")
    if reply:
        # Acknowledge at once; the reply goes out as a new message.
        background.add_task(reply_by_gatewayapi, settings, number, reply)
    return Response("ok", media_type="text/plain", headers=NO_STORE)


async def reply_by_gatewayapi(settings: WebSettings, number: str, reply: str) -> None:
    """Send the reply; a failure is logged by its kind (never the number or the text), and the
    person's next message is answered as usual."""
    try:
        await send_gatewayapi(
            settings.gatewayapi_url,
            settings.gatewayapi_token,
            settings.sms_sender,
            number,
            reply,
        )
    except (httpx.HTTPError, ValueError) as error:
        log.error("GatewayAPI reply not sent (%s)", type(error).__name__)


def no_number() -> str:
    return text("sms.no_number", "da")
