"""Sign an MO SMS as GatewayAPI does: the whole payload, with its senttime, as the JWT's claims."""

import time
from typing import Any

import jwt


def gatewayapi_signed(
    body: dict[str, Any], secret: str, sent: float | None = None
) -> tuple[dict[str, Any], str]:
    """The body with its senttime, and the X-Gwapi-Signature header for it."""
    signed = {**body, "senttime": int(time.time() if sent is None else sent)}
    return signed, jwt.encode(signed, secret, algorithm="HS256")
