"""Headers, CORS, body limits, rate limits and the production refusal, on the real app with a
scripted Rasa."""

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from knowledge.search import Searcher
from stack.settings import PROJECT_DIR
from tests.widgets.conftest import FakeRasa, captured
from widgets.app import ProductionRefused, create_app
from widgets.deps import get_rasa, get_searcher_factory
from widgets.ids import new_web_id
from widgets.security import OTHER_CSP, PAGE_CSP, production_problems
from widgets.settings import WebSettings

REAL_SECRETS = {
    "rasa_token": "r" * 32,
    "actions_token": "a" * 32,
    "sms_number_secret": "s" * 32,
    "session_id_secret": "i" * 32,
    "twilio_auth_token": "t" * 32,
    "gatewayapi_jwt_secret": "g" * 32,
}


def make_client(
    rasa: FakeRasa, searcher: Searcher, tmp_path: Path, **settings: object
) -> TestClient:
    app = create_app(WebSettings(health_timeout=0.5, var_dir=tmp_path, **settings))  # type: ignore[arg-type]
    app.dependency_overrides[get_rasa] = lambda: rasa
    app.dependency_overrides[get_searcher_factory] = lambda: lambda: searcher
    return TestClient(app)


@pytest.fixture
def limited(rasa: FakeRasa, searcher: Searcher, tmp_path: Path) -> Iterator[TestClient]:
    rasa.said = captured("rest_guidance")
    yield make_client(
        rasa, searcher, tmp_path, rate_session_per_minute=3, rate_address_per_minute=5
    )


@pytest.mark.parametrize(
    ("path", "csp"),
    [("/", PAGE_CSP), ("/chat", PAGE_CSP), ("/staff", PAGE_CSP), ("/api/services", OTHER_CSP)],
)
def test_every_response_carries_the_security_headers(
    client: TestClient, path: str, csp: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-security-policy"] == csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "camera=()" in response.headers["permissions-policy"]
    assert "strict-transport-security" not in response.headers  # development, plain HTTP


def test_the_widget_script_cannot_be_run_as_a_page(client: TestClient) -> None:
    response = client.get("/widget.js")
    assert response.headers["content-security-policy"] == OTHER_CSP
    assert response.headers["content-type"].startswith("text/javascript")


def test_cors_lets_the_listed_sites_and_local_development_embed_the_widget(
    rasa: FakeRasa, searcher: Searcher, tmp_path: Path
) -> None:
    client = make_client(rasa, searcher, tmp_path, cors_origins=["https://www.svendborg.dk"])
    for origin, allowed in [
        ("https://www.svendborg.dk", True),
        ("http://127.0.0.1:5173", True),
        ("http://localhost:3000", True),
        ("https://evil.example", False),
    ]:
        response = client.get("/api/services", headers={"Origin": origin})
        assert (response.headers.get("access-control-allow-origin") == origin) is allowed, origin


def test_in_production_only_the_list_counts(
    rasa: FakeRasa, searcher: Searcher, tmp_path: Path
) -> None:
    client = make_client(
        rasa,
        searcher,
        tmp_path,
        mode="production",
        cors_origins=["https://www.svendborg.dk"],
        **REAL_SECRETS,
    )
    ok = client.get("/api/services", headers={"Origin": "https://www.svendborg.dk"})
    assert ok.headers["access-control-allow-origin"] == "https://www.svendborg.dk"
    local = client.get("/api/services", headers={"Origin": "http://localhost:3000"})
    assert "access-control-allow-origin" not in local.headers
    assert ok.headers["strict-transport-security"].startswith("max-age=")


def test_production_refuses_to_start_with_placeholder_secrets(tmp_path: Path) -> None:
    with pytest.raises(ProductionRefused) as refused:
        create_app(WebSettings(mode="production", var_dir=tmp_path))
    message = str(refused.value)
    for name in (
        "ALLEDORE_RASA_TOKEN",
        "ALLEDORE_ACTIONS_TOKEN",
        "ALLEDORE_SMS_NUMBER_SECRET",
        "ALLEDORE_SESSION_ID_SECRET",
    ):
        assert f"{name} is the development placeholder" in message
    assert "Traceback" not in message


def test_production_problems_name_short_secrets_and_a_wildcard_origin() -> None:
    settings = WebSettings(
        mode="production",
        **{**REAL_SECRETS, "rasa_token": "short"},  # type: ignore[arg-type]
        cors_origins=["*"],
    )
    assert production_problems(settings) == [
        "ALLEDORE_RASA_TOKEN is shorter than 24 characters",
        "ALLEDORE_CORS_ORIGINS contains '*'; list the municipal sites instead",
    ]
    # An SMS provider left empty is off, not a problem.
    off = WebSettings(mode="production", **{**REAL_SECRETS, "twilio_auth_token": ""})  # type: ignore[arg-type]
    assert production_problems(off) == []


def test_production_asks_for_the_stores_passwords_when_it_uses_the_stores() -> None:
    stores = {"tracker_store": "postgresql", "lock_store": "redis"}
    empty = WebSettings(mode="production", **REAL_SECRETS, **stores)  # type: ignore[arg-type]
    assert production_problems(empty) == [
        "ALLEDORE_POSTGRES_PASSWORD is empty; set a secret of your own",
        "ALLEDORE_REDIS_PASSWORD is empty; set a secret of your own",
    ]
    example = WebSettings(
        mode="production",
        **REAL_SECRETS,  # type: ignore[arg-type]
        **stores,
        postgres_password="dev-CHANGE-ME-openssl-rand-hex-32",
        redis_password="p" * 32,
    )
    assert production_problems(example) == [
        "ALLEDORE_POSTGRES_PASSWORD is the development placeholder; set a secret of your own"
    ]


def test_production_starts_with_real_secrets(tmp_path: Path) -> None:
    app = create_app(WebSettings(mode="production", var_dir=tmp_path, **REAL_SECRETS))  # type: ignore[arg-type]
    assert app.state.settings.mode == "production"


def test_an_empty_sms_secret_turns_that_webhook_off(
    rasa: FakeRasa, searcher: Searcher, tmp_path: Path
) -> None:
    client = make_client(rasa, searcher, tmp_path, twilio_auth_token="")
    response = client.post(
        "/sms/twilio",
        data={"From": "+4512345678", "Body": "hej"},
        headers={"X-Twilio-Signature": "x"},
    )
    assert response.status_code == 403
    assert rasa.sent == []


def test_a_body_over_the_limit_is_refused_kindly(
    rasa: FakeRasa, searcher: Searcher, tmp_path: Path
) -> None:
    client = make_client(rasa, searcher, tmp_path, max_body_bytes=1000)
    response = client.post("/api/chat", json={"message": "x" * 2000})
    assert response.status_code == 413
    assert response.json()["detail"].startswith("Din besked er for stor")
    assert response.headers["content-security-policy"] == OTHER_CSP
    assert rasa.sent == []


def test_a_streamed_body_over_the_limit_is_refused_without_a_length(
    rasa: FakeRasa, searcher: Searcher, tmp_path: Path
) -> None:
    client = make_client(rasa, searcher, tmp_path, max_body_bytes=1000)

    def chunks() -> Iterator[bytes]:
        yield b'{"message": "'
        for _ in range(20):
            yield b"x" * 100
        yield b'"}'

    response = client.post(
        "/api/chat", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert rasa.sent == []


def test_the_page_without_javascript_gets_a_page_not_json(
    rasa: FakeRasa, searcher: Searcher, tmp_path: Path
) -> None:
    client = make_client(rasa, searcher, tmp_path, max_body_bytes=1000)
    response = client.post(
        "/chat?language=en",
        data={"message": "x" * 2000},
        headers={"Accept": "text/html,application/xhtml+xml"},
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")
    assert "Your message is too large" in response.text
    assert 'href="/chat?language=en"' in response.text


def test_a_conversation_over_its_rate_limit_is_asked_to_wait(
    limited: TestClient, rasa: FakeRasa
) -> None:
    session = new_web_id(WebSettings().session_id_secret)
    for _ in range(3):
        ok = limited.post("/api/chat", json={"session_id": session, "message": "jeg har gæld"})
        assert ok.status_code == 200
    refused = limited.post("/api/chat", json={"session_id": session, "message": "hallo?"})
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert "Vent et øjeblik" in refused.json()["detail"] and "112" in refused.json()["detail"]
    assert len(rasa.sent) == 3
    # Another conversation from the same address still gets through (under the address limit).
    other = limited.post("/api/chat", json={"message": "hej"})
    assert other.status_code == 200


def test_an_address_over_its_rate_limit_is_asked_to_wait(limited: TestClient) -> None:
    for _ in range(5):
        assert limited.get("/api/services?kommune=nyborg").status_code == 200
    refused = limited.get("/api/services?kommune=nyborg", headers={"Accept-Language": "en"})
    assert refused.status_code == 429
    assert refused.json()["detail"].startswith("You have sent many messages")
    # Health and the widget's files are not counted: a monitor and a page load never wait.
    assert limited.get("/health").status_code == 200
    assert limited.get("/widget.js").status_code == 200


def test_the_metrics_count_refusals(limited: TestClient) -> None:
    for _ in range(6):
        limited.get("/api/services")
    assert (
        'alledore_refused_requests_total{reason="rate_limit"} 1.0' in limited.get("/metrics").text
    )


def test_the_openapi_spec_documents_the_refusals(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    chat = spec["paths"]["/api/chat"]["post"]["responses"]
    assert {"413", "429"} <= set(chat)
    assert "429" not in spec["paths"]["/health"]["get"]["responses"]


def test_the_served_app_in_production_stops_with_the_reasons_and_no_trace(tmp_path: Path) -> None:
    # As the supervisor or a container starts it: uvicorn with the factory, settings from env.
    done = subprocess.run(
        [sys.executable, "-m", "uvicorn", "widgets.app:create_app", "--factory", "--port", "0"],
        env={**os.environ, "ALLEDORE_MODE": "production", "ALLEDORE_VAR_DIR": str(tmp_path)},
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "will not start in production mode" in done.stderr
    assert "ALLEDORE_RASA_TOKEN is the development placeholder" in done.stderr
    assert "Traceback" not in done.stderr
