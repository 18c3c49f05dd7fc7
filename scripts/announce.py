"""Print where to go once the web process answers, then wait to be stopped.

Started by honcho beside web, worker and beat (Procfile, Procfile.dev), so the
banner comes after their start-up logs instead of scrolling away. It must not
exit on its own: honcho stops every process as soon as one of them ends. If
the web process never answers, it exits 1 and honcho stops everything.
"""

import json
import os
import signal
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CREDENTIALS = ROOT / "var" / "demo-credentials.json"
TOPIC = "dry-needling-low-back-pain"
WAIT_SECONDS = 120


def wait_until_healthy(url: str) -> bool:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    return False


def login_lines() -> list[str]:
    try:
        credentials = json.loads(CREDENTIALS.read_text())
    except (OSError, ValueError):
        return ["  Log in with the accounts that `manage.py seed_demo` printed above."]
    return [
        f"  admin login       user admin, password {credentials.get('admin', '?')}",
        f"  moderator login   user moderator, password {credentials.get('moderator', '?')}",
        f"  moderator token   {credentials.get('moderator_token', '?')}",
        f"  (kept in {CREDENTIALS.relative_to(ROOT)})",
    ]


def main() -> int:
    url = os.environ.get("ANNOUNCE_URL", "http://127.0.0.1:8000").rstrip("/")
    if not wait_until_healthy(url):
        print(f"{url}/healthz did not answer within {WAIT_SECONDS}s; stopping.", flush=True)
        return 1
    lines = [
        "",
        "=" * 72,
        f"  Ready at {url}",
        f"  education page    {url}/education/{TOPIC}/",
        f"  admin             {url}/admin/",
        f"  API docs          {url}/api/docs/",
        f"  published API     {url}/api/v1/published/?topic={TOPIC}",
        *login_lines(),
        "  Ctrl-C stops the web server, the worker and beat.",
        "=" * 72,
        "",
    ]
    print("\n".join(lines), flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    while True:
        signal.pause()


if __name__ == "__main__":
    sys.exit(main())
