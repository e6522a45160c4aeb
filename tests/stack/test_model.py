"""Training only when the bot changed: the hash beside the model."""

import shutil
from pathlib import Path

from stack.model import bot_hash, hash_file, is_current
from stack.settings import StackSettings

BOT = Path(__file__).resolve().parents[2] / "bot"


def copy_of_bot(tmp_path: Path) -> StackSettings:
    bot = tmp_path / "bot"
    shutil.copytree(BOT, bot, ignore=shutil.ignore_patterns(".rasa", "__pycache__"))
    return StackSettings(bot_dir=bot, model_dir=tmp_path / "models", var_dir=tmp_path)


def test_the_hash_follows_the_training_data(tmp_path: Path) -> None:
    settings = copy_of_bot(tmp_path)
    before = bot_hash(settings)
    assert bot_hash(settings) == before
    with (settings.bot_dir / "data" / "nlu" / "bolig.yml").open("a", encoding="utf-8") as f:
        f.write("    - sover i en opgang\n")
    assert bot_hash(settings) != before


def test_a_model_is_current_only_with_its_hash(tmp_path: Path) -> None:
    settings = copy_of_bot(tmp_path)
    settings.model_dir.mkdir()
    assert not is_current(settings)
    settings.model_file.write_bytes(b"model")
    assert not is_current(settings)
    hash_file(settings).write_text(bot_hash(settings) + "\n")
    assert is_current(settings)
    (settings.bot_dir / "domain" / "chitchat.yml").write_text("version: '3.1'\n")
    assert not is_current(settings)
