"""Real PostgreSQL and Redis for the tests of the production settings, from Debian's packages.

A test session starts its own of each, on private ports in a folder of its own, and stops them
at the end: the machine's own services, if any, are never touched. A package that is missing is
installed with apt-get (as the Makefile installs chromium), so these tests never skip.
PostgreSQL refuses to run as root: as root, its own server runs as the `postgres` user that
Debian's package makes.
"""

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import psycopg
from psycopg import sql
from redis import Redis, RedisError

# Long enough for a busy shared machine; a bound, not a measurement.
START_WITHIN_S = 60.0
PASSWORD = "scale-out-test-password"


def port(base: int) -> int:
    """A test port; ALLEDORE_TEST_PORT_OFFSET keeps two test runs on one machine apart."""
    return base + int(os.environ.get("ALLEDORE_TEST_PORT_OFFSET", "0"))


def apt_install(*packages: str) -> None:
    sudo = [] if os.getuid() == 0 else ["sudo"]
    env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", "update", "-q"], check=True, env=env)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-q", *packages], check=True, env=env)


def postgres_bin() -> Path:
    """The newest PostgreSQL server's programs (Debian: /usr/lib/postgresql/<version>/bin)."""

    def found() -> list[Path]:
        programs = Path("/usr/lib/postgresql").glob("*/bin/pg_ctl")
        return sorted((p.parent for p in programs), key=lambda p: int(p.parent.name))

    if not found():
        apt_install("postgresql")
    return found()[-1]


def redis_server_bin() -> str:
    if shutil.which("redis-server") is None:
        apt_install("redis-server")
    binary = shutil.which("redis-server")
    assert binary is not None
    return binary


@dataclass(frozen=True)
class Postgres:
    """Where a test database is, as the ALLEDORE_POSTGRES_* settings name it."""

    host: str
    port: int
    db: str
    user: str
    password: str
    socket_dir: Path

    def settings(self) -> dict[str, object]:
        """The stack's settings for this database (StackSettings / WebSettings arguments)."""
        return {
            "tracker_store": "postgresql",
            "postgres_host": self.host,
            "postgres_port": self.port,
            "postgres_db": self.db,
            "postgres_user": self.user,
            "postgres_password": self.password,
        }

    def connect(self) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(
            host=self.host,
            port=self.port,
            dbname=self.db,
            user=self.user,
            password=self.password,
            autocommit=True,
        )

    def database(self, name: str) -> "Postgres":
        """A new, empty database of this server for one test, owned by the test user."""
        admin = psycopg.connect(
            host=str(self.socket_dir), port=self.port, user="postgres", autocommit=True
        )
        with admin:
            admin.execute(sql.SQL("drop database if exists {}").format(sql.Identifier(name)))
            admin.execute(
                sql.SQL("create database {} owner {}").format(
                    sql.Identifier(name), sql.Identifier(self.user)
                )
            )
        return replace(self, db=name)


@contextmanager
def running_postgres(listen_port: int) -> Iterator[Postgres]:
    """A PostgreSQL server of its own, on 127.0.0.1:listen_port, with a password user."""
    bindir = postgres_bin()
    # Not under pytest's own temporary folder: that is closed to every user but its owner.
    folder = Path(tempfile.mkdtemp(prefix="alledore-pg-"))
    as_postgres: list[str] = []
    if os.getuid() == 0:
        account = pwd.getpwnam("postgres")
        os.chown(folder, account.pw_uid, account.pw_gid)
        as_postgres = ["runuser", "-u", "postgres", "--"]
    data = folder / "data"
    started = False
    try:
        password_file = folder / "password"
        password_file.write_text(PASSWORD)
        if as_postgres:
            os.chown(password_file, account.pw_uid, account.pw_gid)
        subprocess.run(
            [
                *as_postgres,
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                f"--pwfile={password_file}",
                "--encoding=UTF8",
                "--no-sync",
            ],
            check=True,
            capture_output=True,
        )
        # Durability is not under test: no fsync, and a small server.
        options = (
            f"-p {listen_port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c shared_buffers=16MB -c max_connections=50"
        )
        subprocess.run(
            [
                *as_postgres,
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(folder / "server.log"),
                "-o",
                options,
                "-t",
                str(int(START_WITHIN_S)),
                "-w",
                "start",
            ],
            check=True,
            capture_output=True,
        )
        started = True
        with psycopg.connect(
            host=str(folder), port=listen_port, user="postgres", autocommit=True
        ) as admin:
            admin.execute(
                sql.SQL("create role alledore login password {}").format(sql.Literal(PASSWORD))
            )
        yield Postgres("127.0.0.1", listen_port, "postgres", "alledore", PASSWORD, folder)
    finally:
        if started:
            stop = [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]
            subprocess.run([*as_postgres, *stop], check=False, capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


@dataclass(frozen=True)
class RedisServer:
    host: str
    port: int
    password: str

    def settings(self, db: int = 0) -> dict[str, object]:
        """The stack's settings for this Redis (StackSettings / WebSettings arguments)."""
        return {
            "redis_host": self.host,
            "redis_port": self.port,
            "redis_password": self.password,
            "redis_db": db,
        }

    def client(self, db: int = 0) -> Redis:
        return Redis(host=self.host, port=self.port, password=self.password, db=db)


@contextmanager
def running_redis(listen_port: int) -> Iterator[RedisServer]:
    """A Redis server of its own on 127.0.0.1:listen_port, with a password, keeping nothing on
    disk."""
    binary = redis_server_bin()
    folder = Path(tempfile.mkdtemp(prefix="alledore-redis-"))
    # The password from a file of its own, not on a command line anyone can read.
    config = folder / "redis.conf"
    config.write_text(
        f'port {listen_port}\nbind 127.0.0.1\nsave ""\nappendonly no\n'
        f"requirepass {PASSWORD}\ndir {folder}\nlogfile {folder / 'redis.log'}\n"
    )
    process = subprocess.Popen([binary, str(config)], start_new_session=True)
    server = RedisServer("127.0.0.1", listen_port, PASSWORD)
    try:
        deadline = time.monotonic() + START_WITHIN_S
        while True:
            try:
                server.client().ping()
                break
            except RedisError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log = (folder / "redis.log").read_text(errors="replace")
                    raise RuntimeError(f"redis-server did not start:\n{log}") from None
                time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(folder, ignore_errors=True)
