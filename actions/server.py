"""The action server: rasa-sdk's own Sanic app, with a token check, on the stack's host and port.

rasa-sdk has no option for an auth token. Rasa sends the `token` of its action endpoint
(bot/endpoints.yml) as `?token=` on every call, so one request middleware checks it here. Only
/health answers without it: it says nothing but "up".

Run it: `python -m actions.server` (the supervisor does; the token comes from
ALLEDORE_ACTIONS_TOKEN, never from the command line, which other users of the machine can read).
"""

import hmac
import logging

from rasa_sdk.endpoint import create_app
from rasa_sdk.executor import ActionExecutor
from sanic import HTTPResponse, Request, Sanic, response

from knowledge.logsafe import install
from stack.settings import get_settings

OPEN_PATHS = {"/health"}


def token_matches(given: str, token: str) -> bool:
    return bool(token) and hmac.compare_digest(given.encode(), token.encode())


def make_app(token: str) -> Sanic:  # type: ignore[type-arg]
    executor = ActionExecutor()
    executor.register_package("actions")
    # No CORS: nothing but Rasa, on the same host, calls this server.
    app: Sanic = create_app(executor, cors_origins=None)  # type: ignore[type-arg]

    @app.on_request
    async def check_token(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS or token_matches(request.args.get("token", ""), token):
            return None
        return response.json({"error": "a valid token is required"}, status=401)

    return app


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # The actions read every message (the tracker): none of it may reach the log.
    install()
    settings = get_settings()
    app = make_app(settings.actions_token)
    app.run(
        host=settings.host,
        port=settings.actions_port,
        single_process=True,
        access_log=False,
        motd=False,
    )


if __name__ == "__main__":
    main()
