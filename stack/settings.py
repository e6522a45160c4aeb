"""Where the processes listen and where their files live; one place, read from ALLEDORE_*."""

from functools import lru_cache
from pathlib import Path
from typing import Literal, Self

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_DIR = Path(__file__).resolve().parent.parent


class StackSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ALLEDORE_", extra="ignore")

    host: str = "127.0.0.1"
    rasa_port: int = 5005
    actions_port: int = 5055
    app_port: int = 8000
    # Guard Rasa's HTTP API and REST channel, and the action server. Development placeholders:
    # in production the app refuses to start with them (widgets/security.py).
    rasa_token: str = "local-dev-token"
    actions_token: str = "local-dev-actions-token"

    bot_dir: Path = PROJECT_DIR / "bot"
    var_dir: Path = PROJECT_DIR / "var"
    model_dir: Path = PROJECT_DIR / "var" / "models"
    # The search index the app and the action server load (ALLEDORE_INDEX_DIR, as
    # knowledge/settings.py reads it); None: knowledge's own default, var/index.
    index_dir: Path | None = None
    rasa_venv: Path = PROJECT_DIR / ".venv-rasa"
    app_venv: Path = PROJECT_DIR / ".venv"
    startup_timeout: float = 240.0

    # Scale-out. The embedded default is one Rasa with a SQLite tracker store (var/rasa/) and
    # Rasa's in-process lock store, one app worker, rate limits in its memory. Production, for a
    # municipality that outgrows one process, uses Rasa's own scaling parts:
    #   ALLEDORE_TRACKER_STORE=postgresql  every replica reads and writes one conversation store
    #   ALLEDORE_LOCK_STORE=redis          ... and takes its turns in order (bot/endpoints.*.yml)
    #   ALLEDORE_RASA_REPLICAS=2           Rasa servers on ALLEDORE_RASA_PORT, +1, ...
    #   ALLEDORE_APP_WORKERS=2             uvicorn workers of the app
    #   ALLEDORE_RATE_LIMIT_STORE=redis    the workers count one rate limit (widgets/settings.py)
    tracker_store: Literal["sqlite", "postgresql"] = "sqlite"
    # The PostgreSQL database must exist; Rasa makes its table (events) on first start.
    postgres_host: str = "127.0.0.1"
    postgres_port: int = 5432
    postgres_db: str = "alledore"
    postgres_user: str = "alledore"
    postgres_password: str = ""
    lock_store: Literal["memory", "redis"] = "memory"
    # One Redis for Rasa's lock store (its keys start "lock:") and the app's rate limits
    # ("alledore:rate:").
    redis_host: str = "127.0.0.1"
    redis_port: int = 6379
    redis_password: str = ""
    redis_db: int = 0
    # How long a Rasa replica's lock on a conversation lasts at most (Rasa's TICKET_LOCK_LIFETIME,
    # whole seconds, Redis lock store only). It must outlast a turn: the app gives up on a turn
    # after ALLEDORE_CHAT_TIMEOUT (8 s) and Rasa then cancels it and lets go of the lock. It is
    # also how long a turn waits, plus 1.5 s, when the replica that had it was killed mid-turn
    # (widgets/rasa_client.py): short, as the widget gives up after 15 s (Rasa's default: 60 s).
    rasa_lock_lifetime_s: int = 10
    rasa_replicas: int = Field(default=1, ge=1)
    # The Rasa servers the app talks to, when they are not the ones this supervisor starts on
    # this host (compose: ALLEDORE_RASA_SERVERS='["http://rasa-1:5005", "http://rasa-2:5005"]').
    rasa_servers: list[str] = Field(default_factory=list)
    app_workers: int = Field(default=1, ge=1)
    # Slow clients cannot hold the app's workers: a kept-alive connection closes after this
    # long idle (uvicorn's --timeout-keep-alive), and one whose request headers have not all
    # arrived this long after it opened (widgets/serving.py). Every place that starts uvicorn
    # passes both (stack/supervisor.py, docker/).
    keep_alive_s: int = Field(default=5, ge=1)
    header_timeout_s: float = Field(default=10.0, gt=0)

    @model_validator(mode="after")
    def replicas_share_their_state(self) -> Self:
        several = self.rasa_replicas > 1 or len(self.rasa_servers) > 1
        if several and (self.tracker_store, self.lock_store) != ("postgresql", "redis"):
            # Each replica would keep its own conversations (SQLite) or take turns of one
            # conversation at once (in-process locks): answers out of order, turns lost.
            raise ValueError(
                "several Rasa replicas need ALLEDORE_TRACKER_STORE=postgresql and "
                "ALLEDORE_LOCK_STORE=redis"
            )
        if self.lock_store == "redis" and self.tracker_store == "sqlite":
            raise ValueError("the Redis lock store is for replicas on the PostgreSQL tracker store")
        return self

    @property
    def model_file(self) -> Path:
        return self.model_dir / "alledore.tar.gz"

    @property
    def endpoints_file(self) -> str:
        """Rasa's endpoints (in bot/): the embedded SQLite store, or the PostgreSQL one."""
        return "endpoints.yml" if self.tracker_store == "sqlite" else "endpoints.postgresql.yml"

    @property
    def tracker_db(self) -> Path:
        return self.var_dir / "rasa" / "tracker.db"

    @property
    def log_dir(self) -> Path:
        return self.var_dir / "log"

    @property
    def rasa_urls(self) -> list[str]:
        """Every Rasa replica, in order; the supervisor starts them on rasa_port, +1, ..."""
        ports = range(self.rasa_port, self.rasa_port + self.rasa_replicas)
        return self.rasa_servers or [f"http://{self.host}:{port}" for port in ports]

    @property
    def rasa_url(self) -> str:
        """The first replica (the command-line tools, the evaluation and the benchmark)."""
        return self.rasa_urls[0]

    @property
    def app_url(self) -> str:
        return f"http://{self.host}:{self.app_port}"

    @property
    def actions_url(self) -> str:
        return f"http://{self.host}:{self.actions_port}"


@lru_cache
def get_settings() -> StackSettings:
    return StackSettings()
