"""`make bench`: the service in production mode under load on loopback,
next to nginx serving the same bytes, on a data set of 100,000 stories.

Runs everything on a database of its own (`<name>_bench` on the PostgreSQL
of DATABASE_URL, or SQLite under var/bench) and, with REDIS_URL, under a key
prefix and queue of its own; removes them at the end. Prints one table and
writes var/bench.json. Bounded: about six to ten minutes.
"""

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bench_report import machine, print_table
from nginx_config import write_local_config

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
DURATION = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
# BENCH_STORIES=2000 makes a quick run (a check of the bench, not a measurement).
BIG = int(os.environ.get("BENCH_STORIES", "100000"))
SMALL = min(1_000, BIG)
SCRIPTS = ROOT / "scripts"
# The web server make serve and the baselines run (scripts/web-server).
SERVER = os.environ.get("WEB_SERVER", "gunicorn")
# Requests per round for each middleware stack and path (scripts/middleware_cost.py).
COST_REQUESTS = os.environ.get("BENCH_MIDDLEWARE_REQUESTS", "100")
TOPIC = "dry-needling-low-back-pain"
REFERENCE = "nginx, static file (the same bytes)"
BARE_VIEW = "baseline: bare Django view, the same bytes"
BARE_CREATE = "baseline: bare DRF create, one insert + enqueue"
GROWTH_REPEAT = 40
GROWTH_LABELS = {
    "published_list_build_ms": "published list, uncached page build",
    "published_list_topic_build_ms": "published list of a topic, uncached page build",
    "moderation_queue_ms": "moderation queue, first page (API)",
    "screening_per_item_ms": "screening, per item (the task's work)",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def run(args: list[str], env: dict[str, str], **kwargs: Any) -> str:
    result = subprocess.run(
        args, env=env, cwd=ROOT, capture_output=True, text=True, check=False, **kwargs
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-3000:] + result.stderr[-3000:])
        raise SystemExit(f"failed: {' '.join(args)}")
    return str(result.stdout)


# --- The environment ------------------------------------------------------------


def bench_database(env: dict[str, str]) -> tuple[str, Any]:
    """A fresh database for the bench, and how to drop it afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        path = VAR / "db.sqlite3"
        for leftover in VAR.glob("db.sqlite3*"):
            leftover.unlink()
        env["SQLITE_PATH"] = str(path)
        return "", lambda: None
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'testimonials'}_bench"
    admin = urlunsplit(parts._replace(path="/postgres"))

    def execute(sql: str) -> None:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(sql)

    execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}")), lambda: execute(
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    )


def environment() -> tuple[dict[str, str], list[Any]]:
    cleanups: list[Any] = []
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(40),
        "DJANGO_SECURE_COOKIES": "false",
        "PORT": str(port),
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "LOG_LEVEL": "WARNING",
        "WEB_ACCESS_LOG": "",
        # Loopback is one client: the throttles would measure themselves.
        "SUBMIT_THROTTLE_RATE": "100000000/minute",
        "PUBLIC_API_ANON_RATE": "100000000/minute",
        "CELERY_BEAT_SCHEDULE_FILENAME": str(VAR / "celerybeat-schedule"),
        "CELERY_BROKER_DIR": str(VAR / "broker"),
        "FILE_CACHE_DIR": str(VAR / "cache"),
    }
    url, drop = bench_database(env)
    if url:
        env["DATABASE_URL"] = url
    cleanups.append(drop)
    if os.environ.get("REDIS_URL"):
        tag = secrets.token_hex(4)
        env["REDIS_KEY_PREFIX"] = f"bench-{tag}:"

        def forget_keys() -> None:
            import redis

            client = redis.Redis.from_url(os.environ["REDIS_URL"])
            keys = list(client.scan_iter(match=f"bench-{tag}:*", count=1000))
            for start in range(0, len(keys), 1000):
                client.delete(*keys[start : start + 1000])

        cleanups.append(forget_keys)
    return env, cleanups


# --- Load ------------------------------------------------------------------------

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def wrk(
    url: str, *, headers: dict[str, str] | None = None, script: str | None = None
) -> dict[str, Any]:
    args = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}s", "--latency", "--timeout", "5s"]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    if script:
        args += ["-s", script]
    out = subprocess.run(
        [*args, url], capture_output=True, text=True, check=True, timeout=DURATION + 60
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M))
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": round(rate),
        "p50_ms": round(_ms(latency["50"]), 2),
        "p99_ms": round(_ms(latency["99"]), 2),
        "requests": total,
        "non_2xx_3xx": int(errors.group(1)) if errors else 0,
    }


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """Status, headers (names in lower case: granian sends them so) and body."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, _lower(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        return error.code, _lower(error.headers.items()), error.read()


def _lower(items: Any) -> dict[str, str]:
    return {str(name).lower(): str(value) for name, value in items}


def wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            if fetch(url)[0] == 200:
                return
        time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {seconds:.0f} s")


# --- nginx -----------------------------------------------------------------------


def start_nginx(
    upstream_port: int, static_body: bytes, cleanups: list[Any]
) -> tuple[subprocess.Popen[bytes], int, int]:
    """Debian's nginx, unprivileged, its files under var/bench/nginx: the
    repository's micro-cache config in front of gunicorn, and a plain static
    server of the same bytes as the reference."""
    prefix = VAR / "nginx"
    shutil.rmtree(prefix, ignore_errors=True)
    (prefix / "static").mkdir(parents=True)
    (prefix / "static" / "published.json").write_bytes(static_body)
    cache_port, static_port = free_port(), free_port()
    # In memory, as docker-compose.yml mounts it (a tmpfs).
    cache_dir = Path(tempfile.mkdtemp(prefix="testimonials-bench-cache-", dir=_memory_dir()))
    cleanups.append(lambda: shutil.rmtree(cache_dir, ignore_errors=True))
    config = write_local_config(
        prefix,
        upstream=f"127.0.0.1:{upstream_port}",
        listen=f"127.0.0.1:{cache_port}",
        cache_dir=cache_dir,
        access_log="off",
        workers="auto",
        connections=4096,
        http_extra=f"""    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    server {{
        listen 127.0.0.1:{static_port};
        root {prefix}/static;
        default_type application/json;
    }}
""",
    )
    process = subprocess.Popen(
        ["/usr/sbin/nginx", "-p", str(prefix), "-c", str(config),
         "-g", "daemon off;"],
        start_new_session=True,
    )  # fmt: skip
    wait_for(f"http://127.0.0.1:{static_port}/published.json", 10)
    return process, cache_port, static_port


def _memory_dir() -> str | None:
    shm = Path("/dev/shm")  # noqa: S108 - only as the parent of a mkdtemp folder
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


# --- The baselines --------------------------------------------------------------


def start_baselines(env: dict[str, str], ready: bytes) -> tuple[subprocess.Popen[bytes], str]:
    """scripts/bench_baselines: a bare Django view answering the list's bytes
    and a bare REST framework create view, served as the service is (the
    Procfile's server and workers) on the same database and broker."""
    (VAR / "ready.json").write_bytes(ready)
    port = free_port()
    baseline_env = {
        **env,
        "DJANGO_SETTINGS_MODULE": "bench_baselines.settings",
        "BASELINE_READY_BYTES": str(VAR / "ready.json"),
        "PORT": str(port),
        "PATH": f"{ROOT / '.venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        "PYTHONPATH": str(SCRIPTS),
    }
    run([PYTHON, "-m", "bench_baselines.setup_table"], baseline_env)
    process = subprocess.Popen(
        web_server_command("bench_baselines.wsgi", port),
        env=baseline_env,
        cwd=SCRIPTS,
        stdout=(VAR / "baselines.log").open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    wait_for(f"{base}/api/v1/published/", 60)
    return process, base


def web_server_command(module: str, port: int) -> list[str]:
    """The Procfile's web server (scripts/web-server: gunicorn, or granian
    with WEB_SERVER=granian) for a WSGI module, on loopback."""
    workers = os.environ.get("WEB_CONCURRENCY", "4")
    return [
        str(SCRIPTS / "web-server"),
        module,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        workers,
    ]


# --- The write path --------------------------------------------------------------

SUBMIT_LUA = """
counter = 0
words = {"sessions", "stairs", "garden", "sleep", "posture", "desk", "walking", "stretches",
         "patience", "balance", "strength", "winter", "bicycle", "cooking", "office", "dog"}
setup = function(thread) thread:set("tid", tostring(math.random(1, 1000000))) end
init = function(args) math.randomseed(os.time() + tonumber(tid or "1")) end
request = function()
  counter = counter + 1
  local parts = {}
  for i = 1, 24 do parts[i] = words[math.random(#words)] end
  local body = string.format(
    '{"topic": "%s", "author_name": "Bench Patient", "consent_to_publish": true, ' ..
    '"consent_text_version": "%s", "rating": 4, "display_preference": "initials", ' ..
    '"body": "After %d weeks my %s improved a lot, thanks to the team."}',
    "TOPIC", "VERSION", counter, table.concat(parts, " "))
  return wrk.format("POST", "/api/v1/testimonials/", {["Content-Type"] = "application/json"}, body)
end
"""


def growth(env: dict[str, str]) -> dict[str, Any]:
    out = run([PYTHON, "manage.py", "bench_growth", "--repeat", str(GROWTH_REPEAT)], env)
    result: dict[str, Any] = json.loads(out.splitlines()[-1])
    return result


def django_json(env: dict[str, str], code: str) -> Any:
    script = f"import django, json\ndjango.setup()\n{code}"
    return json.loads(run([PYTHON, "-c", script], env).strip().splitlines()[-1])


def waiting_count(env: dict[str, str]) -> int:
    return int(
        django_json(
            env,
            "from testimonials.models import Testimonial\n"
            "print(Testimonial.objects.filter(status__in=['submitted', 'screening']).count())",
        )
    )


def drain(env: dict[str, str], *, limit: float) -> float:
    """Seconds until the worker has screened every waiting submission."""
    started = time.monotonic()
    while waiting_count(env) > 0:
        if time.monotonic() - started > limit:
            return float("inf")
        time.sleep(1)
    return time.monotonic() - started


def warm_posts(url: str, version: str) -> None:
    """A submission on each connection at once, so that every worker
    process has made its first enqueue before the load."""

    def send(n: int) -> None:
        body = json.dumps(
            {
                "topic": TOPIC,
                "author_name": "Warm Patient",
                "consent_to_publish": True,
                "consent_text_version": version,
                "body": f"Warming up {n}: after three weeks the stairs were easy again.",
            }
        ).encode()
        request = urllib.request.Request(
            url, data=body, headers={"Content-Type": "application/json"}
        )
        with contextlib.suppress(OSError), urllib.request.urlopen(request, timeout=60):
            pass

    with ThreadPoolExecutor(max_workers=CONNECTIONS) as pool:
        list(pool.map(send, range(CONNECTIONS)))


def paced_submissions(base: str, version: str, rate: float, seconds: int) -> list[str]:
    """Submissions at a steady `rate` per second; their ids."""
    ids: list[str] = []
    lock = threading.Lock()
    interval = 1.0 / rate
    start = time.monotonic()

    def send(n: int) -> None:
        body = json.dumps(
            {
                "topic": TOPIC,
                "author_name": "Paced Patient",
                "consent_to_publish": True,
                "consent_text_version": version,
                "rating": 5,
                "body": f"Paced submission {n}: after {n % 9 + 2} weeks I walk the dog again.",
            }
        ).encode()
        request = urllib.request.Request(
            f"{base}/api/v1/testimonials/",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            answer = json.loads(response.read())
        with lock:
            ids.append(answer["id"])

    threads = []
    for n in range(int(rate * seconds)):
        delay = start + n * interval - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        thread = threading.Thread(target=send, args=(n,))
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
    return ids


def submit_to_review(env: dict[str, str], ids: list[str]) -> dict[str, float]:
    code = (
        "from testimonials.models import StatusChange\n"
        f"ids = {ids!r}\n"
        "rows = StatusChange.objects.filter(testimonial__public_id__in=ids, "
        "to_status='pending_review').values_list('created_at', 'testimonial__created_at')\n"
        "print(json.dumps(sorted((a - b).total_seconds() * 1000 for a, b in rows)))"
    )
    times = django_json(env, code)
    if not times:
        return {"p50_ms": float("nan"), "p99_ms": float("nan"), "screened": 0}
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))], 1),
        "screened": len(times),
    }


# --- Memory ----------------------------------------------------------------------


def memory(root_pid: int) -> dict[str, list[float]]:
    import psutil

    found: dict[str, list[float]] = {"web_workers_mb": [], "celery_processes_mb": []}
    for process in psutil.Process(root_pid).children(recursive=True):
        with contextlib.suppress(psutil.Error):
            line = " ".join(process.cmdline())
            rss = round(process.memory_info().rss / 2**20, 1)
            parent = " ".join(process.parent().cmdline())
            if "celery" not in line and any(name in parent for name in ("gunicorn", "granian")):
                found["web_workers_mb"].append(rss)
            elif "celery" in line and " worker" in line:
                found["celery_processes_mb"].append(rss)
    return found


# --- The run ---------------------------------------------------------------------


def main() -> None:
    VAR.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    report: dict[str, Any] = {"machine": machine(), "load_average": {}}
    report["load_average"]["start"] = os.getloadavg()
    env, cleanups = environment()
    serve: subprocess.Popen[bytes] | None = None
    nginx: subprocess.Popen[bytes] | None = None
    baselines: subprocess.Popen[bytes] | None = None
    try:
        say(f"migrating the bench database and seeding {SMALL:,} stories")
        run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
        run([PYTHON, "manage.py", "seed_demo"], env)
        run([PYTHON, "manage.py", "bench_seed", "--stories", str(SMALL), "--force"], env)
        small = growth(env)
        say(f"at {small['stories']:,} stories: {small}")
        if BIG > SMALL:
            say(f"adding {BIG - SMALL:,} stories")
            added = run(
                [PYTHON, "manage.py", "bench_seed", "--stories", str(BIG - SMALL), "--force"], env
            )
            say(added.strip())
            big = growth(env)
            say(f"at {big['stories']:,} stories: {big}")
        else:
            big = small
        report["growth"] = {"small": small, "big": big}
        say("what each middleware costs, in process")
        costs = run([PYTHON, "scripts/middleware_cost.py", "--requests", COST_REQUESTS], env)
        report["middleware_cost"] = json.loads(costs.strip().splitlines()[-1])
        report["middleware_cost"]["table"] = costs.strip().splitlines()[:-1]
        print("\n".join(report["middleware_cost"]["table"]), flush=True)

        say("starting make serve (gunicorn, the Celery workers and beat)")
        serve = subprocess.Popen(
            ["make", "serve"],
            env=env,
            cwd=ROOT,
            stdout=(VAR / "serve.log").open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{env['PORT']}"
        wait_for(f"{base}/healthz", 120)
        status, headers, body = fetch(f"{base}/api/v1/published/")
        assert status == 200, status  # noqa: S101
        etag = headers["etag"]
        nginx, cache_port, static_port = start_nginx(int(env["PORT"]), body, cleanups)
        baselines, baseline_base = start_baselines(env, body)
        version = json.loads(fetch(f"{base}/api/v1/topics/{TOPIC}/")[2])["consent"]["version"]
        waiting_count(env)  # the demo's seeding screened first

        say(f"load: {DURATION} s per case, {CONNECTIONS} connections, wrk on loopback")
        cases: dict[str, dict[str, Any]] = {}
        list_path = "/api/v1/published/"
        plan = [
            (REFERENCE, f"http://127.0.0.1:{static_port}/published.json", {}),
            ("published list, nginx micro-cache", f"http://127.0.0.1:{cache_port}{list_path}", {}),
            (f"published list, {SERVER}", f"{base}{list_path}", {}),
            (f"published list 304, {SERVER}", f"{base}{list_path}", {"If-None-Match": etag}),
            (f"published list of a topic, {SERVER}", f"{base}{list_path}?topic={TOPIC}", {}),
            (f"education page, {SERVER}", f"{base}/education/{TOPIC}/", {}),
            ("Django, tiny JSON (/healthz, the floor)", f"{base}/healthz", {}),
            (BARE_VIEW, f"{baseline_base}{list_path}", {}),
        ]  # fmt: skip
        for name, url, headers in plan:
            fetch(url, headers)
            cases[name] = wrk(url, headers=headers)
            say(f"{name}: {cases[name]}")
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
            lua.write(SUBMIT_LUA.replace("TOPIC", TOPIC).replace("VERSION", version))
        # Each worker process connects to the broker on its first enqueue,
        # which takes seconds on a busy machine: not what is measured.
        warm_posts(f"{base}/api/v1/testimonials/", version)
        drain(env, limit=120)
        before = time.monotonic()
        name = f"submission + enqueue (POST), {SERVER}"
        cases[name] = wrk(f"{base}/api/v1/testimonials/", script=lua.name)
        say(f"{name}: {cases[name]}")
        submitted = cases[name]["requests"] - cases[name]["non_2xx_3xx"]
        # The bare create view writes to its own table and queue: nothing to screen.
        warm_posts(f"{baseline_base}/api/v1/testimonials/", version)
        cases[BARE_CREATE] = wrk(f"{baseline_base}/api/v1/testimonials/", script=lua.name)
        say(f"{BARE_CREATE}: {cases[BARE_CREATE]}")
        drained = drain(env, limit=180)
        elapsed = (time.monotonic() - before) if drained != float("inf") else float("inf")
        screening = {
            "submitted": submitted,
            "submission_rate": cases[name]["rps"],
            "screened_per_second": round(submitted / elapsed, 1),
            "drained_after_run_s": round(drained, 1),
        }
        screening["ratio_to_submission_rate"] = round(
            screening["screened_per_second"] / max(screening["submission_rate"], 1), 3
        )
        say(f"screening: {screening}")
        half = max(1.0, screening["submission_rate"] / 2)
        paced_rate = min(half, screening["screened_per_second"] or half)
        ids = paced_submissions(base, version, paced_rate, DURATION)
        drain(env, limit=120)
        screening["paced_rate"] = round(paced_rate, 1)
        screening["submit_to_pending_review"] = submit_to_review(env, ids)
        say(f"paced at {paced_rate:.0f}/s: {screening['submit_to_pending_review']}")
        report["screening"] = screening

        reference = cases[REFERENCE]["rps"]
        for result in cases.values():
            result["share_of_nginx"] = round(result["rps"] / reference, 4)
            result["share_of_bare_view"] = round(result["rps"] / max(cases[BARE_VIEW]["rps"], 1), 3)
            result["share_of_bare_create"] = round(
                result["rps"] / max(cases[BARE_CREATE]["rps"], 1), 3
            )
        report["cases"] = cases
        report["memory"] = memory(serve.pid)
        report["page_bytes"] = len(body)
    finally:
        report["load_average"]["end"] = os.getloadavg()
        for process in (nginx, baselines, serve):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGQUIT if process is nginx else signal.SIGINT)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=30)
                if process.poll() is None:
                    os.killpg(process.pid, signal.SIGKILL)
        for cleanup in cleanups:
            with contextlib.suppress(Exception):
                cleanup()
    report["seconds"] = round(time.monotonic() - started)
    (ROOT / "var" / "bench.json").write_text(json.dumps(report, indent=2))
    print_table(report, growth_repeat=GROWTH_REPEAT, growth_labels=GROWTH_LABELS, server=SERVER)


if __name__ == "__main__":
    main()
