"""What each middleware costs on the hot public reads, in process: the
published list (and its 304), the widget's read and `/healthz`, answered by
Django's WSGI handler with the whole stack, with the stack less one
middleware at a time, and through the short chain public reads take
(`config.public_reads`). No server, no network: CPU per request.

Run by `make bench` on its database (or alone, with the service's
environment): `python scripts/middleware_cost.py [--requests N]`. Prints a
table and, last, one line of JSON.
"""

import argparse
import io
import json
import os
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.test import override_settings  # noqa: E402

from config import public_reads  # noqa: E402

TOPIC = "dry-needling-low-back-pain"
PATHS = {
    "published list": ("/api/v1/published/", ""),
    "published list 304": ("/api/v1/published/", "etag"),
    "widget read": ("/api/v1/published/", f"channel=widget&topic={TOPIC}"),
    "/healthz": ("/healthz", ""),
}


def environ(path: str, query: str, etag: str = "") -> dict[str, Any]:
    env: dict[str, Any] = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_ACCEPT": "*/*",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    if etag:
        env["HTTP_IF_NONE_MATCH"] = etag
    return env


def call(handler: WSGIHandler, env: dict[str, Any]) -> tuple[str, dict[str, str]]:
    answer: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], *args: Any) -> None:
        answer["status"], answer["headers"] = status, dict(headers)

    env["wsgi.input"] = io.BytesIO(b"")
    body = handler(env, start_response)  # type: ignore[arg-type]
    for _ in body:
        pass
    body.close()
    return answer["status"], answer["headers"]


def handler_with(middleware: list[str]) -> WSGIHandler:
    with override_settings(MIDDLEWARE=middleware):
        return WSGIHandler()


def per_request_us(run: Callable[[], Any], requests: int) -> float:
    started = time.perf_counter()
    for _ in range(requests):
        run()
    return (time.perf_counter() - started) / requests * 1e6


def measure(requests: int, rounds: int) -> dict[str, Any]:
    whole = [name for name in settings.MIDDLEWARE if name != public_reads.DISPATCHER]
    variants: dict[str, list[str]] = {"whole stack": whole}
    for name in whole:
        variants[f"without {name.rsplit('.', 1)[-1]}"] = [n for n in whole if n != name]
    variants["short chain (public reads)"] = list(settings.MIDDLEWARE)
    variants["no middleware"] = []
    handlers = {label: handler_with(middleware) for label, middleware in variants.items()}
    etag = call(handlers["whole stack"], environ(*PATHS["published list"]))[1]["ETag"]
    requests_of = {
        case: environ(path, "", etag) if query == "etag" else environ(path, query)
        for case, (path, query) in PATHS.items()
    }
    for handler in handlers.values():
        for env in requests_of.values():
            for _ in range(20):  # warm: the process remembers the answer
                call(handler, env)
    # Rounds interleave the stacks, so that a busy moment of a shared
    # machine slows one round of every stack rather than every round of one;
    # the best round counts, as interference only ever adds time.
    best: dict[str, dict[str, float]] = {
        label: dict.fromkeys(PATHS, float("inf")) for label in handlers
    }
    for _ in range(rounds):
        for label, handler in handlers.items():
            for case, env in requests_of.items():
                took = per_request_us(partial(call, handler, env), requests)
                best[label][case] = min(best[label][case], took)
    results = {
        label: {case: round(us, 1) for case, us in row.items()} for label, row in best.items()
    }
    return {"us_per_request": results, "requests": requests, "rounds": rounds}


def print_table(report: dict[str, Any]) -> None:
    results = report["us_per_request"]
    cases = list(PATHS)
    print("| middleware stack, µs per request (best of rounds) | " + " | ".join(cases) + " |")
    print("| --- |" + " ---: |" * len(cases))
    whole = results["whole stack"]
    for label, row in results.items():
        cells = []
        for case in cases:
            saved = whole[case] - row[case]
            cells.append(
                f"{row[case]}" if label == "whole stack" else f"{row[case]} ({saved:+.1f})"
            )
        print(f"| {label} | " + " | ".join(cells) + " |")
    print("(in brackets: µs saved against the whole stack)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    report = measure(args.requests, args.rounds)
    print_table(report)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
