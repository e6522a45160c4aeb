"""docker/healthcheck.py, run as the images' HEALTHCHECK runs it, against a small HTTP server
that answers as Rasa, the action server or the app would."""

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from stack.settings import PROJECT_DIR

SCRIPT = PROJECT_DIR / "docker" / "healthcheck.py"
TOKEN = "a-token-of-at-least-24-characters"


class Part(BaseHTTPRequestHandler):
    """/status as Rasa's (the token, then the loaded model or none), /health as the others'."""

    model_file: str | None = "alledore.tar.gz"
    health_status = 200

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path == "/status":
            if parse_qs(url.query).get("token") != [TOKEN]:
                self._send(401, {"error": "a valid token is required"})
            else:
                self._send(200, {"model_file": self.model_file})
        elif url.path == "/health":
            self._send(self.health_status, {"status": "ok"})
        else:
            self._send(404, {})

    def _send(self, status: int, body: dict[str, object]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[ThreadingHTTPServer]:
    Part.model_file, Part.health_status = "alledore.tar.gz", 200
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Part)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def check(part: str, env: dict[str, str]) -> int:
    return subprocess.run([sys.executable, SCRIPT, part], env=env, timeout=30).returncode


def test_rasa_is_healthy_once_its_status_names_a_loaded_model(server: ThreadingHTTPServer) -> None:
    port = str(server.server_address[1])
    env = {"ALLEDORE_RASA_PORT": port, "ALLEDORE_RASA_TOKEN": TOKEN}
    assert check("rasa", env) == 0
    # Up, but without a model (one that failed to load): not yet healthy.
    Part.model_file = None
    assert check("rasa", env) == 1
    Part.model_file = "alledore.tar.gz"
    assert check("rasa", env | {"ALLEDORE_RASA_TOKEN": "another-token-of-24-characters"}) == 1


@pytest.mark.parametrize("part", ["actions", "app"])
def test_the_action_server_and_the_app_are_healthy_while_health_answers(
    server: ThreadingHTTPServer, part: str
) -> None:
    env = {f"ALLEDORE_{part.upper()}_PORT": str(server.server_address[1])}
    assert check(part, env) == 0
    Part.health_status = 503
    assert check(part, env) == 1


def test_nothing_listening_is_unhealthy_and_a_wrong_part_is_a_usage_error() -> None:
    with ThreadingHTTPServer(("127.0.0.1", 0), Part) as closed:
        port = str(closed.server_address[1])
    assert check("app", {"ALLEDORE_APP_PORT": port}) == 1
    assert check("proxy", {}) == 2
