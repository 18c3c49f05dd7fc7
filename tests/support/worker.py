"""Real processes on the test database: a Celery worker, Celery beat and a
gunicorn web server, each a subprocess whose output the test can read."""

import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager, suppress
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db import connection

from tests.support.log_canary import PERSONAL_DATA

BASE_DIR = Path(settings.BASE_DIR)
# Every process the tests started: their output is searched for the canary
# at the end of the run (tests/conftest.py).
STARTED: list["WorkerProcess"] = []


def worker_environment(**extra: str) -> dict[str, str]:
    """The test process's environment, pointed at the test database."""
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        credentials = quote(db["USER"] or "")
        if db.get("PASSWORD"):
            credentials += ":" + quote(db["PASSWORD"])
        host, port = db["HOST"] or "localhost", db["PORT"] or 5432
        env["DATABASE_URL"] = f"postgres://{credentials}@{host}:{port}/{db['NAME']}"
    else:
        env.pop("DATABASE_URL", None)
        env["SQLITE_PATH"] = str(db["NAME"])
    env.update(extra)
    return env


class WorkerProcess:
    """A subprocess whose output lines are collected (with the monotonic time
    each arrived) and which is ready once a line contains `ready_marker`."""

    def __init__(self, process: subprocess.Popen[str], ready_marker: str = " ready.") -> None:
        self.process = process
        self.name = " ".join(str(part) for part in process.args[2:7])  # type: ignore[index]
        self.ready_marker = ready_marker
        self.lines: list[str] = []
        # How many lines it had printed when it became ready (its banner).
        self.startup_lines = 0
        self.timed_lines: list[tuple[float, str]] = []
        self._ready = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip())
            self.timed_lines.append((time.monotonic(), line.rstrip()))
            if self.ready_marker in line:
                self._ready.set()

    def wait_ready(self, timeout: float = 60) -> None:
        if not self._ready.wait(timeout):
            raise RuntimeError(
                f"{self.process.args!r} did not start:\n" + "\n".join(self.lines[-40:])
            )

    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_output_closed(self, timeout: float = 10) -> None:
        """After the process ended: every line it wrote has been read."""
        self._reader.join(timeout)

    def children(self) -> list[int]:
        """Process ids of the pool's child processes (prefork)."""
        import psutil

        try:
            return [child.pid for child in psutil.Process(self.process.pid).children()]
        except psutil.NoSuchProcess:
            return []


def _stop(process: subprocess.Popen[str]) -> None:
    """Stop a process and whatever it started (its pool children too)."""
    import psutil

    try:
        children = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        children = []
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
    for child in children:
        with suppress(psutil.NoSuchProcess):
            child.kill()


@contextmanager
def celery_worker(
    *,
    concurrency: int = 2,
    extra_env: dict[str, str] | None = None,
    queues: Sequence[str] = (),
) -> Iterator[WorkerProcess]:
    """Start `celery -A config worker` on `queues` (every queue of the
    settings unless named), yield once it is ready, stop it after."""
    queues = queues or [queue.name for queue in settings.CELERY_TASK_QUEUES]
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker", "--queues", ",".join(queues),
        "--loglevel", "INFO", "--pool", "prefork", "--concurrency", str(concurrency),
        "--without-gossip", "--without-mingle", "--without-heartbeat",
        "--hostname", f"test-{uuid.uuid4().hex[:6]}@%h",
    ]  # fmt: skip
    with _started(command, extra_env) as worker:
        yield worker


@contextmanager
def _started(
    command: list[str],
    extra_env: dict[str, str] | None,
    ready_marker: str = " ready.",
    ready=None,  # type: ignore[no-untyped-def]
) -> Iterator[WorkerProcess]:
    process = subprocess.Popen(
        command,
        cwd=BASE_DIR,
        env=worker_environment(**(extra_env or {})),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    managed = WorkerProcess(process, ready_marker)
    STARTED.append(managed)
    try:
        if ready is None:
            managed.wait_ready()
        else:
            wait_for(ready, timeout=60, message=f"{command[2:4]} to answer")
        managed.startup_lines = len(managed.lines)
        yield managed
    finally:
        _stop(process)
        # What it stored is searched for in every log line (log_canary).
        PERSONAL_DATA.collect_stored()
        connection.close()


@contextmanager
def started_together(*processes: AbstractContextManager[Any]) -> Iterator[list[Any]]:
    """Enter several of the context managers here at once (each waits for
    its process to be ready), yield what each gives, stop them all at once:
    seconds, not the sum of every process's start and stop."""
    with ThreadPoolExecutor(max_workers=len(processes)) as pool:
        entering = [pool.submit(process.__enter__) for process in processes]
        entered, values, failure = [], [], None
        for process, future in zip(processes, entering, strict=True):
            try:
                values.append(future.result())
                entered.append(process)
            except Exception as exc:
                failure = failure or exc
        try:
            if failure is not None:
                raise failure
            yield values
        finally:
            for done in [pool.submit(p.__exit__, None, None, None) for p in entered]:
                done.result()


@contextmanager
def celery_beat(*, extra_env: dict[str, str] | None = None) -> Iterator[WorkerProcess]:
    """Celery beat, sending the periodic sweeps (their interval comes from
    SCREENING_SWEEP_INTERVAL in `extra_env`), with a schedule file of its own."""
    schedule = Path(tempfile.mkdtemp(prefix="beat-")) / "schedule"
    command = [
        sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel", "INFO",
        "--schedule", str(schedule),
    ]  # fmt: skip
    with _started(command, extra_env, ready_marker="beat: Starting") as beat:
        yield beat


@contextmanager
def web_server(
    *, extra_env: dict[str, str] | None = None, workers: int = 2, threads: int = 8
) -> Iterator[tuple[str, WorkerProcess]]:
    """gunicorn serving `config.wsgi` with the test settings and `extra_env`
    (for instance a REDIS_URL of the test's own Redis); yields its base URL."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    command = [
        sys.executable, "-m", "gunicorn", "config.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
        "--timeout", "60", "--access-logfile", "-", "--error-logfile", "-",
    ]  # fmt: skip

    def answers() -> bool:
        import requests

        try:
            return requests.get(f"{base}/healthz", timeout=1).status_code == 200
        except requests.RequestException:
            return False

    with _started(command, extra_env, ready=answers) as web:
        yield base, web


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(predicate, *, timeout: float = 30, interval: float = 0.2, message: str = "condition"):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")
