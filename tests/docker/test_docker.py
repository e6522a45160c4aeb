"""docker/: the images and the compose file, checked by parsing them (no Docker engine here).

The compose file is read as Debian's docker-compose resolves it with the committed example env
file, so these tests see what compose would run; the Dockerfiles with BuildKit's own parser (the
`dockerfile` package). Compose must start the processes the supervisor starts in production:
the same module, flags, ALLEDORE_* variables and values. Only where the parts are may differ:
the project's folder, hosts, the replicas' ports.
"""

import json
import os
import re
import secrets
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import dockerfile
import pytest
import yaml

from knowledge.settings import KnowledgeSettings
from stack.settings import PROJECT_DIR, StackSettings
from stack.supervisor import Process, processes
from widgets.security import production_problems
from widgets.settings import WebSettings

DOCKER = PROJECT_DIR / "docker"
DOCKERFILES = {"app": DOCKER / "app.Dockerfile", "rasa": DOCKER / "rasa.Dockerfile"}
EXAMPLE_ENV = DOCKER / "alledore.env.example"
# The images keep the project where WORKDIR says: the supervisor's PROJECT_DIR.
IMAGE_ROOT = "/app"
# The services that run the project's code, and the image each runs.
SERVICE_IMAGES = {
    "app": "app",
    "actions": "app",
    "index": "app",
    "rasa-1": "rasa",
    "rasa-2": "rasa",
}

# What the supervisor reads itself to start processes on this machine: its environments, its
# patience, how many replicas and workers to start (compose: services rasa-1 and rasa-2, the
# app's --workers). stack_env() hands them to the app too, which reads none of them.
SUPERVISOR_ONLY = {
    "ALLEDORE_RASA_VENV",
    "ALLEDORE_APP_VENV",
    "ALLEDORE_BOT_DIR",
    "ALLEDORE_MODEL_DIR",
    "ALLEDORE_STARTUP_TIMEOUT",
    "ALLEDORE_RASA_REPLICAS",
    "ALLEDORE_APP_WORKERS",
}
# Where the parts find each other: this machine under the supervisor, service names under
# compose (test_the_parts_find_each_other_by_service_name). The app reads ALLEDORE_HOST only to
# find the action server; it listens where --host says.
TOPOLOGY = {"ALLEDORE_RASA_SERVERS", "ALLEDORE_ACTION_URL", "ALLEDORE_HOST"}
# Settings a deployment has no reason to give a container: the image's own layout, Danish time
# and locale, limits of the code, development only. Every other setting of the app reaches it.
NOT_FOR_A_CONTAINER = SUPERVISOR_ONLY | {
    "ALLEDORE_INDEX_DIR",
    "ALLEDORE_CORPUS_DIR",
    "ALLEDORE_CATALOGUE_DIR",
    "ALLEDORE_FACTS_DIR",
    "ALLEDORE_CALIBRATION_FILE",
    "ALLEDORE_DEVSET_FILE",
    "ALLEDORE_TIMEZONE",
    "ALLEDORE_LOCALE",
    "ALLEDORE_MAX_QUERY_CHARS",
    "ALLEDORE_DEV_CORS_ORIGIN_REGEX",
}
# Rasa reads ALLEDORE_* only through the endpoints and credentials files it is started with.
RASA_READS = re.compile(r"\$\{(ALLEDORE_\w+)\}")


def env_file(path: Path) -> dict[str, str]:
    lines = [line for line in path.read_text().splitlines() if "=" in line]
    return dict(line.split("=", 1) for line in lines if not line.startswith("#"))


EXAMPLE = env_file(EXAMPLE_ENV)
# The production the scale-out test runs: two Rasa replicas on PostgreSQL (tracker store) and
# Redis (lock store), two app workers counting one rate limit in Redis.
PRODUCTION_STACK: dict[str, Any] = {
    "tracker_store": "postgresql",
    "lock_store": "redis",
    "rasa_replicas": 2,
    "app_workers": 2,
}
PRODUCTION_APP = {"ALLEDORE_RATE_LIMIT_STORE": "redis"}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    """compose.yml as docker-compose resolves it, with the example env file."""
    tool = shutil.which("docker-compose")
    assert tool, "docker-compose is missing: `make docker-check` installs Debian's"
    resolved = subprocess.run(
        [tool, "-f", DOCKER / "compose.yml", "--env-file", EXAMPLE_ENV, "config"],
        capture_output=True,
        text=True,
        check=True,
    )
    config: dict[str, Any] = yaml.safe_load(resolved.stdout)
    return config


@pytest.fixture(scope="module")
def raw_compose() -> dict[str, Any]:
    """compose.yml as written, before docker-compose fills in what it leaves out."""
    raw: dict[str, Any] = yaml.safe_load((DOCKER / "compose.yml").read_text())
    return raw


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> dict[str, Process]:
    """The supervisor's processes in production, with the example's secrets. The environment is
    emptied first, so each process's env holds exactly what the supervisor gives it."""
    for name in list(os.environ):
        monkeypatch.delenv(name)
    fields = {f"ALLEDORE_{f.upper()}": f for f in StackSettings.model_fields}
    given: dict[str, Any] = {
        fields[name]: value for name, value in EXAMPLE.items() if name in fields
    }
    # A container listens on its own network; the stores are the compose services.
    where: dict[str, Any] = {"host": "0.0.0.0", "postgres_host": "postgres", "redis_host": "redis"}
    settings = StackSettings(**where, **PRODUCTION_STACK, **given)
    web = {name: value for name, value in EXAMPLE.items() if name not in fields}
    return {p.name: p for p in processes(settings, web | PRODUCTION_APP)}


def instructions(path: Path, name: str) -> list[Any]:
    return [c for c in dockerfile.parse_file(str(path)) if c.cmd == name]


def image_env(image: str) -> dict[str, str]:
    values = [v for c in instructions(DOCKERFILES[image], "ENV") for v in c.value]
    return dict(zip(values[::2], values[1::2], strict=True))


def in_image(value: str) -> str:
    """A value of the supervisor on this machine, as it reads in an image."""
    return value.replace(str(PROJECT_DIR), IMAGE_ROOT)


def port(command: list[str]) -> str | None:
    return command[command.index("--port") + 1] if "--port" in command else None


def as_in_image(command: list[str]) -> list[str]:
    """A command of the supervisor's as an image runs it: the executable by name (the image has
    one environment on its PATH), paths under the image's project folder."""
    return [Path(command[0]).name, *(in_image(word) for word in command[1:])]


def without_port(command: list[str]) -> list[str]:
    """The --port value left out: on one host the supervisor starts the replicas on 5005 and
    5006; each container has an address of its own."""
    words = as_in_image(command)
    if "--port" in words:
        at = words.index("--port")
        del words[at + 1]
    return words


def settings_from(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> WebSettings:
    """The app's settings as a process with exactly this environment reads them."""
    for name in list(os.environ):
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return WebSettings()


def alledore(env: dict[str, Any]) -> dict[str, str]:
    # A variable compose passes on from the env file is null when the file does not set it.
    return {k: str(v) for k, v in env.items() if k.startswith("ALLEDORE_") and v is not None}


def alledore_names(env: dict[str, Any]) -> set[str]:
    return {name for name in env if name.startswith("ALLEDORE_")}


def rasa_reads(command: list[str]) -> set[str]:
    files = [command[command.index(flag) + 1] for flag in ("--endpoints", "--credentials")]
    return {
        name for f in files for name in RASA_READS.findall((PROJECT_DIR / "bot" / f).read_text())
    }


@pytest.mark.parametrize("image", DOCKERFILES)
def test_each_image_has_a_pinned_base_an_unprivileged_user_and_a_healthcheck(image: str) -> None:
    path = DOCKERFILES[image]
    (base,) = instructions(path, "FROM")
    # An exact version (python:3.11.14-slim-bookworm), never a moving tag such as 3.11 or latest.
    assert re.fullmatch(r"[\w./-]+:\d+\.\d+\.\d+(-[\w.]+)*(@sha256:[0-9a-f]{64})?", base.value[0])
    uid = instructions(path, "USER")[-1].value[0].split(":")[0]
    assert uid.isdigit() and int(uid) != 0
    (check,) = instructions(path, "HEALTHCHECK")
    assert check.value[:3] == ("CMD", "python", "/app/docker/healthcheck.py")
    assert instructions(path, "CMD")


def test_the_images_are_built_as_the_makefile_builds_the_environments() -> None:
    rasa = " ".join(c.value[0] for c in instructions(DOCKERFILES["rasa"], "RUN"))
    assert "pip install rasa==3.6.21 -c /app/requirements/rasa-constraints.txt" in rasa
    runs = [c.value[0] for c in instructions(DOCKERFILES["app"], "RUN")]
    # torch first and alone, the CPU build, at the version requirements/app.txt pins.
    pinned = re.search(r"^torch==(\S+)$", (PROJECT_DIR / "requirements/app.txt").read_text(), re.M)
    assert pinned
    torch = f"--index-url https://download.pytorch.org/whl/cpu torch=={pinned[1]}"
    assert runs[0].index(torch) < runs[0].index("pip install -r requirements/app.txt")
    assert any("pybabel -q compile -d locale -D messages" in run for run in runs)
    # The index is built last, as the user that serves it (the catalogs compiled before it).
    assert runs[-1] == "python -m knowledge build --quiet"
    assert instructions(DOCKERFILES["app"], "USER")[-1].start_line < max(
        c.start_line for c in instructions(DOCKERFILES["app"], "RUN")
    )


def test_the_build_context_holds_the_model_and_no_environment(tmp_path: Path) -> None:
    """.dockerignore as docker-py applies it (the Python beside Debian's docker-compose)."""
    kept = ["knowledge/search.py", "bot/config.yml", "var/models/alledore.tar.gz"]
    left_out = [
        ".venv/bin/python",
        ".venv-rasa/bin/rasa",
        ".git/HEAD",
        "var/index/manifest.json",
        "var/models/alledore.tar.sha256",
        "tests/browser/node_modules/x.js",
        "docker/alledore.env",
        "locale/da/LC_MESSAGES/messages.mo",
    ]
    for name in kept + left_out:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    text = (PROJECT_DIR / ".dockerignore").read_text().splitlines()
    patterns = [line for line in text if line.strip() and not line.startswith("#")]
    tool = shutil.which("docker-compose")
    assert tool, "docker-compose is missing: `make docker-check` installs Debian's"
    python = Path(tool).read_text().splitlines()[0].removeprefix("#!")
    script = (
        "import json, sys; from docker.utils.build import exclude_paths; "
        "print(json.dumps(sorted(exclude_paths(sys.argv[1], json.loads(sys.argv[2])))))"
    )
    found = subprocess.run(
        [python, "-c", script, str(tmp_path), json.dumps(patterns)],
        cwd=tmp_path,  # not beside docker/, which Python could take for docker-py
        capture_output=True,
        text=True,
        check=True,
    )
    context = set(json.loads(found.stdout))
    assert set(kept) <= context
    assert not set(left_out) & context


def test_compose_runs_the_supervisors_commands(
    compose: dict[str, Any], started: dict[str, Process]
) -> None:
    services = compose["services"]
    assert set(started) == set(SERVICE_IMAGES) - {"index"}
    for name, process in started.items():
        assert without_port(services[name]["command"]) == without_port(process.command), name
    # The index job is `make index`'s step, in the image that serves the index.
    assert services["index"]["command"] == ["python", "-m", "knowledge", "build", "--quiet"]


def test_the_images_default_commands_are_the_supervisors(started: dict[str, Process]) -> None:
    """The images run alone (Kubernetes, `docker run`) as they run in compose: the app with one
    worker, Rasa on the production endpoints with the token from its environment."""
    (app_cmd,) = instructions(DOCKERFILES["app"], "CMD")
    app = started["app"].command
    one_worker = app[: app.index("--workers")] if "--workers" in app else app
    assert list(app_cmd.value) == as_in_image(one_worker)
    (rasa_cmd,) = instructions(DOCKERFILES["rasa"], "CMD")
    shell, flag, line = rasa_cmd.value
    assert (shell, flag) == ("sh", "-c") and line.startswith("exec ")
    token = EXAMPLE["ALLEDORE_RASA_TOKEN"]
    words = [token if w == "$ALLEDORE_RASA_TOKEN" else w for w in shlex.split(line)[1:]]
    assert words == as_in_image(started["rasa-1"].command)


def test_compose_gives_each_process_the_supervisors_variables(
    compose: dict[str, Any], started: dict[str, Process]
) -> None:
    services = compose["services"]
    for name, process in started.items():
        theirs = {k: in_image(v) for k, v in alledore(process.env).items()}
        ours = alledore(services[name]["environment"])
        if SERVICE_IMAGES[name] == "rasa":
            reads = rasa_reads(process.command)
            assert reads <= set(theirs), name
            # ALLEDORE_TRACKER_DB: read by endpoints.yml (SQLite) only, not used here.
            theirs = {k: v for k, v in theirs.items() if k in reads}
        else:
            theirs = {k: v for k, v in theirs.items() if k not in SUPERVISOR_ONLY}
        assert set(ours) == set(theirs), name
        assert {k: v for k, v in ours.items() if k not in TOPOLOGY} == {
            k: v for k, v in theirs.items() if k not in TOPOLOGY
        }, name
        # What else the supervisor sets (PYTHONPATH, OMP_*, Rasa's own): in the service or image.
        given = image_env(SERVICE_IMAGES[name]) | {
            k: str(v) for k, v in services[name]["environment"].items() if v is not None
        }
        others = {k: in_image(v) for k, v in process.env.items() if not k.startswith("ALLEDORE_")}
        assert {k: given.get(k) for k in others} == others, name


def test_every_setting_of_the_app_reaches_it(raw_compose: dict[str, Any]) -> None:
    """Set in compose, or passed on from the env file when it sets it: a new setting fails here
    until compose.yml says which."""
    fields = {*WebSettings.model_fields, *KnowledgeSettings.model_fields}
    settings = {f"ALLEDORE_{name.upper()}" for name in fields} - NOT_FOR_A_CONTAINER
    assert settings == set(alledore_names(raw_compose["services"]["app"]["environment"]))
    for name in ("actions", "index"):
        knowledge = {f"ALLEDORE_{f.upper()}" for f in KnowledgeSettings.model_fields}
        given = alledore_names(raw_compose["services"][name]["environment"])
        # The same embedding model wherever the index is built or read.
        assert knowledge - NOT_FOR_A_CONTAINER <= given, name


def test_the_parts_find_each_other_by_service_name(
    compose: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    services = compose["services"]
    env = {name: alledore(service.get("environment") or {}) for name, service in services.items()}
    rasas = sorted(name for name in services if name.startswith("rasa-"))
    app = settings_from(env["app"], monkeypatch)
    assert app.rasa_urls == [f"http://{n}:{port(services[n]['command'])}" for n in rasas]
    actions_port = env["actions"]["ALLEDORE_ACTIONS_PORT"]
    assert app.actions_url == f"http://actions:{actions_port}"
    assert port(services["app"]["command"]) == env["app"]["ALLEDORE_APP_PORT"]
    postgres = services["postgres"]["environment"]
    for name in [*rasas, "app"]:
        if name in rasas:
            assert env[name]["ALLEDORE_ACTION_URL"] == f"http://actions:{actions_port}/webhook"
        assert env[name]["ALLEDORE_POSTGRES_HOST"] == "postgres"
        assert env[name]["ALLEDORE_REDIS_HOST"] == "redis"
        assert [env[name][f"ALLEDORE_POSTGRES_{k}"] for k in ("DB", "USER", "PASSWORD")] == [
            postgres[f"POSTGRES_{k}"] for k in ("DB", "USER", "PASSWORD")
        ]
        assert env[name]["ALLEDORE_REDIS_PASSWORD"] == env["redis"]["ALLEDORE_REDIS_PASSWORD"]


def test_every_service_has_a_healthcheck_and_waits_for_what_it_needs(
    compose: dict[str, Any], raw_compose: dict[str, Any]
) -> None:
    services = compose["services"]
    one_shots = {n for n, s in services.items() if s.get("restart", "no") == "no"}
    assert one_shots == {"index"}
    for name, service in services.items():
        test = service["healthcheck"]["test"]
        assert (test == ["NONE"]) == (name in one_shots), name
        if name in SERVICE_IMAGES and name not in one_shots:
            # The image's own check, asked about this service's process.
            (check,) = instructions(DOCKERFILES[SERVICE_IMAGES[name]], "HEALTHCHECK")
            assert test == [*check.value[:3], name.split("-")[0]], name
        # Written with a condition, not a bare list (which waits for nothing but the start).
        for needed, how in raw_compose["services"][name].get("depends_on", {}).items():
            condition = how["condition"]
            if needed in one_shots:
                assert condition == "service_completed_successfully", (name, needed)
            elif needed in ("postgres", "redis"):
                assert condition == "service_healthy", (name, needed)


def test_no_secret_is_written_in_compose(raw_compose: dict[str, Any]) -> None:
    """A secret in compose.yml is a reference to the env file (or a name it passes on)."""
    text = (DOCKER / "compose.yml").read_text()
    reference = re.compile(r"\$\{ALLEDORE_\w+:?\?[^}]*\}")
    written = re.findall(r"^\s+(\w*(?:TOKEN|SECRET|PASSWORD|AUTH)\w*): *(.*)$", text, re.M)
    assert written
    for name, value in written:
        assert value == "" or reference.fullmatch(value), name
    command = raw_compose["x-rasa"]["command"]
    assert reference.fullmatch(command[command.index("--auth-token") + 1])


def test_the_example_secrets_keep_production_from_starting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every secret production mode checks is in the example, with a value it refuses; with
    secrets of one's own (openssl rand -hex 32) nothing is refused."""
    assert EXAMPLE["ALLEDORE_MODE"] == "production"
    refused = {
        problem.split()[0] for problem in production_problems(settings_from(EXAMPLE, monkeypatch))
    }
    assert refused and refused <= set(EXAMPLE)
    assert all(EXAMPLE[name].startswith("dev-") for name in refused)
    own = {k: secrets.token_hex(32) if v.startswith("dev-") else v for k, v in EXAMPLE.items()}
    assert production_problems(settings_from(own, monkeypatch)) == []
