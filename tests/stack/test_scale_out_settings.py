"""The settings that choose between the embedded default and production, and what the
supervisor starts from them (the running production stack: test_scale_out.py)."""

import pytest
from pydantic import ValidationError

from stack.settings import StackSettings
from stack.supervisor import processes, stack_env
from widgets.settings import WebSettings

PRODUCTION = {"tracker_store": "postgresql", "lock_store": "redis", "postgres_password": "pw"}


def test_the_default_is_one_rasa_on_sqlite_exactly_as_before() -> None:
    settings = StackSettings()
    started = {p.name: p for p in processes(settings)}
    assert list(started) == ["actions", "rasa", "app"]
    rasa = started["rasa"]
    assert rasa.command[rasa.command.index("--endpoints") + 1] == "endpoints.yml"
    assert rasa.command[rasa.command.index("--port") + 1] == "5005"
    assert "--workers" not in started["app"].command
    assert settings.rasa_urls == ["http://127.0.0.1:5005"]


def test_production_starts_replicas_on_postgresql_and_redis() -> None:
    settings = StackSettings(rasa_replicas=2, app_workers=2, **PRODUCTION)
    started = {p.name: p for p in processes(settings)}
    assert list(started) == ["actions", "rasa-1", "rasa-2", "app"]
    for name, port in (("rasa-1", "5005"), ("rasa-2", "5006")):
        rasa = started[name]
        assert rasa.command[rasa.command.index("--port") + 1] == port
        assert rasa.command[rasa.command.index("--endpoints") + 1] == "endpoints.postgresql.yml"
        assert rasa.env["ALLEDORE_RASA_LOCK_STORE"] == "redis"
        assert rasa.env["ALLEDORE_POSTGRES_PASSWORD"] == "pw"
        assert rasa.env["TICKET_LOCK_LIFETIME"] == "10"
    app = started["app"].command
    assert app[app.index("--workers") + 1] == "2"
    assert settings.rasa_urls == ["http://127.0.0.1:5005", "http://127.0.0.1:5006"]
    elsewhere = StackSettings(
        rasa_servers=["http://rasa-1:5005", "http://rasa-2:5005"], **PRODUCTION
    )
    assert elsewhere.rasa_urls == ["http://rasa-1:5005", "http://rasa-2:5005"]


@pytest.mark.parametrize(
    "given",
    [
        {"rasa_replicas": 2},
        {"rasa_replicas": 2, "tracker_store": "postgresql"},
        {"rasa_servers": ["http://a:5005", "http://b:5005"], "lock_store": "redis"},
        {"lock_store": "redis"},
    ],
)
def test_replicas_without_shared_stores_are_refused(given: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        StackSettings(**given)


def test_a_lock_must_outlast_the_turn_the_app_waits_for() -> None:
    with pytest.raises(ValidationError, match="LOCK_LIFETIME"):
        WebSettings(chat_timeout=10, **PRODUCTION)
    assert WebSettings(chat_timeout=9, **PRODUCTION).rasa_lock_lifetime_s == 10


def test_the_app_reads_the_settings_the_supervisor_hands_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = StackSettings(
        rasa_replicas=3, rasa_port=7000, redis_db=2, rasa_servers=["http://x:1"], **PRODUCTION
    )
    for name, value in stack_env(settings).items():
        monkeypatch.setenv(name, value)
    assert StackSettings() == settings
