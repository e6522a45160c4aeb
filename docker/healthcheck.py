"""A container's HEALTHCHECK: exit 0 when its process answers as the supervisor waits for it.

`python docker/healthcheck.py rasa|actions|app`. The same tests as stack/supervisor.py's: Rasa is
healthy once /status (which needs the token) names a loaded model, the action server and the app
once /health answers 200. Rasa's `/` and the REST channel's GET need no token, but a Rasa
that failed to load its model answers them too: only /status says it can hold a conversation.
The token is read from the environment here, so it is never on a command line.

Standard library only: it runs in both images (Python 3.10 for Rasa, 3.11 for the app).
"""

import json
import os
import sys
import urllib.request

# The ports each process listens on when its ALLEDORE_*_PORT is not set (stack/settings.py).
PORTS = {"rasa": 5005, "actions": 5055, "app": 8000}
PORT_VARIABLES = {
    "rasa": "ALLEDORE_RASA_PORT",
    "actions": "ALLEDORE_ACTIONS_PORT",
    "app": "ALLEDORE_APP_PORT",
}


def url(part: str, environ: dict[str, str]) -> str:
    port = environ.get(PORT_VARIABLES[part]) or PORTS[part]
    base = f"http://127.0.0.1:{port}"
    if part == "rasa":
        return f"{base}/status?token={environ.get('ALLEDORE_RASA_TOKEN', '')}"
    return f"{base}/health"


def healthy(part: str, environ: dict[str, str], timeout: float = 4.0) -> bool:
    try:
        with urllib.request.urlopen(url(part, environ), timeout=timeout) as response:
            if response.status != 200:
                return False
            if part == "rasa":
                return bool(json.loads(response.read()).get("model_file"))
            return True
    except (OSError, ValueError):
        return False


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in PORTS:
        print(f"usage: healthcheck.py {'|'.join(PORTS)}", file=sys.stderr)
        return 2
    return 0 if healthy(argv[0], dict(os.environ)) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
