"""Start Rasa, the action server and the web app, wait until each answers, stop them together."""

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from stack.model import rasa_env
from stack.settings import PROJECT_DIR, StackSettings


@dataclass
class Process:
    name: str
    command: list[str]
    env: dict[str, str]
    health: Callable[[], bool]
    cwd: Path = PROJECT_DIR
    popen: subprocess.Popen[bytes] | None = None


def answers(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return bool(response.status == 200)
    except (OSError, ValueError):
        return False


def rasa_ready(settings: StackSettings, rasa_url: str | None = None) -> bool:
    """Rasa (the first replica, or the one at `rasa_url`) is up and has loaded a model (its
    /status needs the token)."""
    url = f"{rasa_url or settings.rasa_url}/status?token={settings.rasa_token}"
    try:
        with urllib.request.urlopen(url, timeout=2.0) as response:
            return bool(json.loads(response.read()).get("model_file"))
    except (OSError, ValueError):
        return False


def stack_env(settings: StackSettings) -> dict[str, str]:
    """The stack's settings as the ALLEDORE_* variables they are read from, so that a process
    started here reads the same ones (a list as JSON; a setting that is None is left out)."""
    env = {}
    for name in StackSettings.model_fields:
        value = getattr(settings, name)
        if value is not None:
            text = json.dumps(value) if isinstance(value, list) else str(value)
            env[f"ALLEDORE_{name.upper()}"] = text
    return env


def rasa_process(settings: StackSettings, replica: int) -> Process:
    """Replica number `replica` (from 0) on rasa_port + replica; all load one model and one
    endpoints file, so they share the tracker and lock stores it names."""
    port = settings.rasa_port + replica
    url = f"http://{settings.host}:{port}"
    return Process(
        "rasa" if settings.rasa_replicas == 1 else f"rasa-{replica + 1}",
        [
            str(settings.rasa_venv / "bin" / "rasa"),
            "run",
            "--enable-api",
            "--auth-token",
            settings.rasa_token,
            "--interface",
            settings.host,
            "--port",
            str(port),
            "--model",
            str(settings.model_file),
            "--endpoints",
            settings.endpoints_file,
            "--credentials",
            "credentials.yml",
        ],
        rasa_env(settings),
        lambda: rasa_ready(settings, url),
        cwd=settings.bot_dir,
    )


def processes(settings: StackSettings, app_settings: dict[str, str] | None = None) -> list[Process]:
    """The action server, the Rasa replicas and the app; `app_settings` are extra ALLEDORE_*
    variables for the web app."""
    app_env = dict(os.environ)
    # One OpenMP thread, not spinning: the embedding model shares two cores with Rasa.
    app_env.update(
        {"SANIC_HOST": settings.host, "OMP_NUM_THREADS": "1", "OMP_WAIT_POLICY": "PASSIVE"}
    )
    app_env["PYTHONPATH"] = str(PROJECT_DIR)
    if settings.index_dir is not None:
        # The app and the action server load one index (the tests give theirs a private copy).
        app_env["ALLEDORE_INDEX_DIR"] = str(settings.index_dir)
    # rasa-sdk's server with a token check (actions/server.py); host, port and token from here.
    actions_env = dict(app_env)
    actions_env.update(
        {
            "ALLEDORE_HOST": settings.host,
            "ALLEDORE_ACTIONS_PORT": str(settings.actions_port),
            "ALLEDORE_ACTIONS_TOKEN": settings.actions_token,
        }
    )
    actions = Process(
        "actions",
        [str(settings.app_venv / "bin" / "python"), "-m", "actions.server"],
        actions_env,
        lambda: answers(f"{settings.actions_url}/health"),
    )
    rasas = [rasa_process(settings, replica) for replica in range(settings.rasa_replicas)]
    # The app finds Rasa, the action server and its stores where this supervisor starts them,
    # from the same settings (and its own state, SMS, in var_dir).
    web_env = dict(app_env) | stack_env(settings) | (app_settings or {})
    web = Process(
        "app",
        [
            str(settings.app_venv / "bin" / "python"),
            "-m",
            "uvicorn",
            "widgets.app:create_app",
            "--factory",
            "--host",
            settings.host,
            "--port",
            str(settings.app_port),
            "--no-access-log",
            # Slow clients: idle connections close, and so do ones that send no headers.
            "--timeout-keep-alive",
            str(settings.keep_alive_s),
            "--http",
            "widgets.serving:HeaderDeadline",
            # Several workers share one count of the rate limits only in Redis
            # (ALLEDORE_RATE_LIMIT_STORE); each loads the search index on its own.
            *(["--workers", str(settings.app_workers)] if settings.app_workers > 1 else []),
        ],
        web_env,
        lambda: answers(f"{settings.app_url}/health"),
    )
    return [actions, *rasas, web]


class Supervisor:
    def __init__(self, settings: StackSettings, app_settings: dict[str, str] | None = None) -> None:
        self.settings = settings
        self.app_settings = app_settings
        self.running: list[Process] = []

    def start(self) -> None:
        self.settings.log_dir.mkdir(parents=True, exist_ok=True)
        self.settings.tracker_db.parent.mkdir(parents=True, exist_ok=True)
        for process in processes(self.settings, self.app_settings):
            self.launch(process)

    def launch(self, process: Process) -> None:
        log = open(self.settings.log_dir / f"{process.name}.log", "ab")  # noqa: SIM115
        process.popen = subprocess.Popen(
            process.command,
            cwd=process.cwd,
            env=process.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.running.append(process)

    def restart(self, name: str) -> None:
        """Start a process that was stopped (tests stop the action server to see the bot cope)."""
        process = next(p for p in processes(self.settings, self.app_settings) if p.name == name)
        self.launch(process)
        self._wait_answering(process)

    def kill(self, name: str) -> None:
        """SIGKILL to a process group, as a crash or a lost machine: nothing is cleaned up or
        let go of (a Rasa replica's lock in Redis stays until it expires). Tests use it."""
        for process in [p for p in self.running if p.name == name]:
            if process.popen is not None and process.popen.poll() is None:
                os.killpg(process.popen.pid, signal.SIGKILL)
                process.popen.wait()
            self.running.remove(process)

    def stop_one(self, name: str) -> None:
        for process in [p for p in self.running if p.name == name]:
            self._terminate([process])
            self.running.remove(process)

    def pause(self, name: str) -> None:
        """Freeze a process (SIGSTOP to its group). It still accepts connections, the kernel
        does that, but never answers: a part slower than any timeout. Tests use it."""
        for process in self._running(name):
            os.killpg(process.pid, signal.SIGSTOP)

    def resume(self, name: str) -> None:
        """Undo pause(); return when the process answers again."""
        for process in self._running(name):
            os.killpg(process.pid, signal.SIGCONT)
        for named in [p for p in self.running if p.name == name]:
            self._wait_answering(named)

    def _running(self, name: str) -> list[subprocess.Popen[bytes]]:
        return [p.popen for p in self.running if p.name == name and p.popen is not None]

    def _wait_answering(self, process: Process) -> None:
        deadline = time.monotonic() + self.settings.startup_timeout
        while not process.health():
            if time.monotonic() > deadline:
                raise RuntimeError(f"{process.name} did not come back:\n{self.tail(process)}")
            time.sleep(0.5)

    def wait_healthy(self) -> None:
        """Block until every process answers; raise with the log's tail if one dies or stalls."""
        deadline = time.monotonic() + self.settings.startup_timeout
        waiting = list(self.running)
        while waiting:
            for process in list(waiting):
                assert process.popen is not None
                if process.popen.poll() is not None:
                    raise RuntimeError(f"{process.name} stopped at start:\n{self.tail(process)}")
                if process.health():
                    print(f"  {process.name} is up", flush=True)
                    waiting.remove(process)
            if time.monotonic() > deadline:
                names = ", ".join(p.name for p in waiting)
                raise RuntimeError(f"{names} did not answer within the startup timeout")
            time.sleep(0.5)

    def tail(self, process: Process, lines: int = 30) -> str:
        path = self.settings.log_dir / f"{process.name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        self._terminate(self.running)
        self.running = []

    @staticmethod
    def _terminate(running: list[Process]) -> None:
        for process in running:
            if process.popen and process.popen.poll() is None:
                os.killpg(process.popen.pid, signal.SIGTERM)
                # A paused process (pause()) acts on SIGTERM only once it runs again.
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.popen.pid, signal.SIGCONT)
        for process in running:
            if process.popen is None:
                continue
            try:
                process.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.popen.pid, signal.SIGKILL)
                process.popen.wait()

    def watch(self) -> int:
        """Until Ctrl-C or one process stops; then stop the rest. The exit code says which."""
        stop = {"signal": False}

        def on_signal(signum: int, frame: object) -> None:
            stop["signal"] = True

        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)
        try:
            while not stop["signal"]:
                for process in self.running:
                    assert process.popen is not None
                    if process.popen.poll() is not None:
                        print(f"{process.name} stopped:\n{self.tail(process)}", file=sys.stderr)
                        return 1
                time.sleep(0.5)
            return 0
        finally:
            print("Stopping ...", flush=True)
            self.stop()
