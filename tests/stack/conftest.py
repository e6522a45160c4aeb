"""The real stack (Rasa + action server) on its own ports and tracker store, once per session."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from stack.__main__ import build_index_if_stale
from stack.model import train
from stack.settings import StackSettings
from stack.supervisor import Supervisor


@pytest.fixture(scope="session")
def stack_settings(tmp_path_factory: pytest.TempPathFactory) -> StackSettings:
    var = tmp_path_factory.mktemp("stack")
    return StackSettings(rasa_port=15005, actions_port=15055, var_dir=Path(var))


@pytest.fixture(scope="session")
def running_stack(stack_settings: StackSettings) -> Iterator[Supervisor]:
    train(StackSettings())  # the model in var/models, trained only if bot/ changed
    build_index_if_stale()
    supervisor = Supervisor(stack_settings)
    supervisor.start()
    try:
        supervisor.wait_healthy()
        yield supervisor
    finally:
        supervisor.stop()
