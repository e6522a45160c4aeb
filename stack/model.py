"""Train the Rasa model only when the bot's data, domain or config changed.

The hash of everything under bot/ that goes into training is written beside the model; the same
hash means the same model. What Rasa only reads when it starts (the crisis net, the channel)
is left out: changing it needs a restart, not minutes of training.
"""

import fcntl
import hashlib
import os
import subprocess
from pathlib import Path

from stack.settings import PROJECT_DIR, StackSettings

# Read by the running server, not by training: a change here needs a restart, not a new model.
# Read when Rasa starts, never trained on: a change to them needs a restart, not a new model.
# The crisis net (knowledge/crisis*.py and its lexicon and weights) is read the same way by
# bot/addons/crisis.py, so it is not among the training inputs either.
RUNTIME_ONLY = ("channel.py", "fallback.yml", "crisis.py")


def training_inputs(settings: StackSettings) -> list[Path]:
    bot = settings.bot_dir
    files = [bot / "config.yml", PROJECT_DIR / "knowledge" / "text.py"]
    for folder in (bot / "data", bot / "domain", bot / "addons"):
        found = (
            p
            for p in folder.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.name not in RUNTIME_ONLY
        )
        files += sorted(found)
    return files


def bot_hash(settings: StackSettings) -> str:
    digest = hashlib.sha256()
    for path in training_inputs(settings):
        root = settings.bot_dir if path.is_relative_to(settings.bot_dir) else PROJECT_DIR
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def hash_file(settings: StackSettings) -> Path:
    return settings.model_file.with_suffix(".sha256")


def is_current(settings: StackSettings) -> bool:
    stored = hash_file(settings)
    return (
        settings.model_file.exists()
        and stored.exists()
        and stored.read_text().strip() == bot_hash(settings)
    )


def rasa_env(settings: StackSettings) -> dict[str, str]:
    """The environment Rasa runs in: its own venv, our crisis component importable, no telemetry."""
    env = dict(os.environ)
    env.update(
        {
            "PYTHONPATH": f"{PROJECT_DIR}{os.pathsep}{settings.bot_dir}",
            "RASA_TELEMETRY_ENABLED": "false",
            "ALLEDORE_ACTION_URL": f"{settings.actions_url}/webhook",
            # Read by endpoints.yml (Rasa's calls to the action server) and credentials.yml
            # (the REST channel), so neither secret is on a command line.
            "ALLEDORE_ACTIONS_TOKEN": settings.actions_token,
            "ALLEDORE_RASA_TOKEN": settings.rasa_token,
            "ALLEDORE_TRACKER_DB": str(settings.tracker_db),
            "TF_CPP_MIN_LOG_LEVEL": "2",
            # Rasa's debug lines quote every message; whatever the caller's environment says,
            # it logs at INFO at most (its channel filters the rest: knowledge/logsafe.py).
            "LOG_LEVEL": "INFO",
        }
    )
    if settings.tracker_store == "postgresql":
        # Read by endpoints.postgresql.yml; the lock store by Rasa's own names for it.
        lock_store = "redis" if settings.lock_store == "redis" else "in_memory"
        env.update(
            {
                "ALLEDORE_POSTGRES_HOST": settings.postgres_host,
                "ALLEDORE_POSTGRES_PORT": str(settings.postgres_port),
                "ALLEDORE_POSTGRES_DB": settings.postgres_db,
                "ALLEDORE_POSTGRES_USER": settings.postgres_user,
                "ALLEDORE_POSTGRES_PASSWORD": settings.postgres_password,
                "ALLEDORE_RASA_LOCK_STORE": lock_store,
                "ALLEDORE_REDIS_HOST": settings.redis_host,
                "ALLEDORE_REDIS_PORT": str(settings.redis_port),
                "ALLEDORE_REDIS_PASSWORD": settings.redis_password,
                "ALLEDORE_REDIS_DB": str(settings.redis_db),
            }
        )
    if settings.lock_store == "redis":
        # Rasa's own variable; its default (60 s) would hold a conversation up for a minute
        # after the replica that had its turn was killed (stack/settings.py says why this much).
        env["TICKET_LOCK_LIFETIME"] = str(settings.rasa_lock_lifetime_s)
    return env


def train_command(settings: StackSettings, out_dir: Path, name: str) -> list[str]:
    """`rasa train` on bot/, run with cwd=bot/ and the environment of rasa_env()."""
    return [
        str(settings.rasa_venv / "bin" / "rasa"),
        "train",
        "--data",
        "data",
        "--domain",
        "domain",
        "--config",
        "config.yml",
        "--out",
        str(out_dir),
        "--fixed-model-name",
        name.removesuffix(".tar.gz"),
    ]


def train(settings: StackSettings, force: bool = False) -> bool:
    """Train when needed; True when a new model was trained.

    One training at a time per model folder (`make run` and `make test` may start together): the
    second waits for the first and then finds the model current.
    """
    settings.model_dir.mkdir(parents=True, exist_ok=True)
    with open(settings.model_dir / ".train.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not force and is_current(settings):
            return False
        wanted = bot_hash(settings)
        command = train_command(settings, settings.model_dir, settings.model_file.name)
        subprocess.run(command, cwd=settings.bot_dir, env=rasa_env(settings), check=True)
        hash_file(settings).write_text(wanted + "\n")
        return True
