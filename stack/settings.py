"""Where the processes listen and where their files live; one place, read from ALLEDORE_*."""

from functools import lru_cache
from pathlib import Path

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

    @property
    def model_file(self) -> Path:
        return self.model_dir / "alledore.tar.gz"

    @property
    def tracker_db(self) -> Path:
        return self.var_dir / "rasa" / "tracker.db"

    @property
    def log_dir(self) -> Path:
        return self.var_dir / "log"

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"

    @property
    def app_url(self) -> str:
        return f"http://{self.host}:{self.app_port}"

    @property
    def actions_url(self) -> str:
        return f"http://{self.host}:{self.actions_port}"


@lru_cache
def get_settings() -> StackSettings:
    return StackSettings()
