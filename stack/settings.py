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
    # Guards Rasa's HTTP API (--enable-api). Set a real secret in production.
    rasa_token: str = "local-dev-token"

    bot_dir: Path = PROJECT_DIR / "bot"
    var_dir: Path = PROJECT_DIR / "var"
    model_dir: Path = PROJECT_DIR / "var" / "models"
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
