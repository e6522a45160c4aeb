"""The SMS webhooks: POST /sms/twilio (TwiML reply) and POST /sms/gatewayapi (reply sent
through GatewayAPI's REST API). A request that is not signed by the provider gets 403."""

import logging
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Query, Request, Response

from widgets.deps import SettingsDep, SmsDep
from widgets.sms.gateway import Inbound
from widgets.sms.providers import (
    Forbidden,
    Malformed,
    check_gatewayapi,
    check_twilio,
    read_gatewayapi,
    send_gatewayapi,
    twiml,
)

router = APIRouter(prefix="/sms", tags=["sms"])
log = logging.getLogger(__name__)
XML = "application/xml"


def signed_url(request: Request, public: str | None) -> str:
    """The URL the provider signed: the public base URL from settings behind a proxy."""
    if not public:
        return str(request.url)
    query = f"?{request.url.query}" if request.url.query else ""
    return f"{public.rstrip('/')}{request.url.path}{query}"


@router.post("/twilio", response_class=Response)
async def twilio(
    request: Request,
    settings: SettingsDep,
    gateway: SmsDep,
    kommune: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    form = await request.form()
    params = [(name, str(value)) for name, value in form.multi_items()]
    try:
        check_twilio(
            settings.twilio_auth_token,
            signed_url(request, settings.sms_public_url),
            params,
            request.headers.get("X-Twilio-Signature", ""),
        )
    except Forbidden as error:
        log.warning("Twilio webhook refused: %s", error)
        return Response("Forbidden", status_code=403, media_type="text/plain")
    fields = dict(params)
    if not fields.get("From"):
        return Response(twiml(None), media_type=XML, status_code=400)
    inbound = Inbound(fields["From"], fields.get("Body", ""), fields.get("MessageSid", ""), kommune)
    return Response(twiml(await gateway.handle(inbound, "twilio")), media_type=XML)


@router.post("/gatewayapi", response_class=Response)
async def gatewayapi(
    request: Request,
    settings: SettingsDep,
    gateway: SmsDep,
    background: BackgroundTasks,
    kommune: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    try:
        check_gatewayapi(
            settings.gatewayapi_jwt_secret, request.headers.get("X-Gwapi-Signature", "")
        )
        number, text, message_id = read_gatewayapi(await request.body())
    except Forbidden as error:
        log.warning("GatewayAPI webhook refused: %s", error)
        return Response("Forbidden", status_code=403, media_type="text/plain")
    except Malformed:
        return Response("Not an MO SMS", status_code=400, media_type="text/plain")
    reply = await gateway.handle(Inbound(number, text, message_id, kommune), "gatewayapi")
    if reply:
        # Acknowledge at once; the reply goes out as a new message.
        background.add_task(
            send_gatewayapi,
            settings.gatewayapi_url,
            settings.gatewayapi_token,
            settings.sms_sender,
            number,
            reply,
        )
    return Response("ok", media_type="text/plain")
