"""Private Redis and PostgreSQL servers for the fault tests.

The machine's shared services are never stopped, paused or flushed: a test
that injects a fault into one starts its own on a free port, in a folder of
its own, and removes it afterwards.
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
import redis

SERVICES_REQUIRED = os.environ.get("CI", "").lower() == "true"
POSTGRES_BIN = Path(os.environ.get("POSTGRES_BIN", "/usr/lib/postgresql/15/bin"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def unavailable(reason: str) -> None:
    """Skip with the reason, or fail under CI=true, where nothing may be missing."""
    if SERVICES_REQUIRED:
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


def _wait(predicate, *, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not come up within {timeout}s")


class RedisServer:
    """`redis-server` on a free port of 127.0.0.1 that keeps nothing on disk."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None
        self.log = folder / "redis.log"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
                "--logfile",
                str(self.log),
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait(self.answers, timeout=10, what=f"redis-server on port {self.port}")

    def stop(self) -> None:
        """Stop it the hard way (SIGKILL): what a crash or a lost host looks like."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def answers(self) -> bool:
        try:
            client = redis.Redis(port=self.port, socket_connect_timeout=0.2, socket_timeout=0.5)
            try:
                return bool(client.ping())
            finally:
                client.close()
        except redis.RedisError:
            return False

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_connect_timeout=1, socket_timeout=5)


@contextmanager
def redis_server() -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        unavailable("redis-server is not installed (Debian's redis-server package)")
    folder = Path(tempfile.mkdtemp(prefix="fault-redis-"))
    server = RedisServer(folder)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


class PostgresServer:
    """A PostgreSQL cluster of its own (initdb) on a free port of 127.0.0.1,
    trust authentication for `postgres`, fsync off. PostgreSQL refuses to run
    as root, so as root its commands run as the `postgres` system user.

    Commits stay synchronous, as in production: `stop()` is a crash, and
    with `synchronous_commit=off` the last commits acknowledged before it
    (a story already answered 202) were lost with the WAL still in
    PostgreSQL's memory. Skipping fsync is safe here: the machine does not
    crash, and what PostgreSQL wrote survives in the OS's cache."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()
        self.log = folder / "postgres.log"

    def _as_owner(self, *command: str) -> list[str]:
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *command]
        return list(command)

    def _run(self, *command: str) -> None:
        subprocess.run(
            self._as_owner(*command), check=True, capture_output=True, text=True, timeout=120
        )

    def init(self) -> None:
        self._run(
            str(POSTGRES_BIN / "initdb"), "-D", str(self.data), "-U", "postgres",
            "-A", "trust", "-E", "UTF8", "--no-sync",
        )  # fmt: skip

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c full_page_writes=off"
        )
        self._run(
            str(POSTGRES_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log),
            "-o", options, "-w", "-t", "60", "start",
        )  # fmt: skip

    def stop(self) -> None:
        """Stop at once (`immediate`: connections drop, as in a crash)."""
        self._run(
            str(POSTGRES_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
            "-w", "-t", "60", "stop",
        )  # fmt: skip

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')


@contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    if not (POSTGRES_BIN / "initdb").exists():
        unavailable(f"PostgreSQL's initdb is not at {POSTGRES_BIN} (set POSTGRES_BIN)")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        unavailable("running as root without runuser to start PostgreSQL as postgres")
    folder = Path(tempfile.mkdtemp(prefix="fault-postgres-"))
    folder.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(folder, user="postgres", group="postgres")
    server = PostgresServer(folder)
    try:
        server.init()
        server.start()
    except (subprocess.CalledProcessError, LookupError, OSError) as exc:
        detail = getattr(exc, "stderr", "") or str(exc)
        shutil.rmtree(folder, ignore_errors=True)
        unavailable(f"could not start a PostgreSQL cluster of our own: {detail.strip()[-300:]}")
    try:
        yield server
    finally:
        if server.running():
            with suppress(subprocess.CalledProcessError):
                server.stop()
        shutil.rmtree(folder, ignore_errors=True)
