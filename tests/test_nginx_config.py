"""The repository's nginx config, run by Debian's nginx in front of a stand-in
upstream: its access log names the route of a patient's private link or an
invitation, never the secret in the path."""

import importlib.util
import os
import shutil
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from tests.support.servers import free_port

ROOT = Path(__file__).resolve().parent.parent
NGINX = "/usr/sbin/nginx"


def _nginx_config():
    """scripts/nginx_config.py, which `make bench` uses too."""
    spec = importlib.util.spec_from_file_location(
        "nginx_config", ROOT / "scripts" / "nginx_config.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Upstream(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b'{"ok": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def nginx(tmp_path):
    if not Path(NGINX).exists():
        message = f"nginx not found at {NGINX} (Debian: apt-get install nginx)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    upstream = ThreadingHTTPServer(("127.0.0.1", free_port()), _Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    port = free_port()
    access_log = tmp_path / "logs" / "access.log"
    config = _nginx_config().write_local_config(
        tmp_path,
        upstream=f"127.0.0.1:{upstream.server_port}",
        listen=f"127.0.0.1:{port}",
        cache_dir=tmp_path / "cache",
        access_log=f"{access_log} testimonials",
    )
    process = subprocess.Popen(
        [NGINX, "-p", str(tmp_path), "-c", str(config), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 10
    while True:
        try:
            requests.get(f"{base}/healthz", timeout=1)
            break
        except requests.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not start: {process.stderr.read()!r}") from None
            time.sleep(0.05)
    yield base, access_log
    process.terminate()
    process.wait(timeout=10)
    upstream.shutdown()
    shutil.rmtree(tmp_path / "cache", ignore_errors=True)


def test_the_access_log_never_holds_a_patients_secret_link(nginx):
    base, access_log = nginx
    asked = [
        ("GET", "/api/v1/testimonials/6f1c2a/SECRETstatus1/"),
        ("POST", "/api/v1/testimonials/6f1c2a/SECRETwithdraw2/withdraw"),
        ("GET", "/stories/6f1c2a/SECRETpage3/"),
        ("GET", "/invite/SECRETinvite4/"),
        ("GET", "/api/v1/published/?topic=dry-needling"),
        ("POST", "/api/v1/testimonials/"),
    ]
    for method, path in asked:
        assert requests.request(method, f"{base}{path}", timeout=5).status_code == 200
    time.sleep(0.2)  # nginx writes a line as each request ends
    lines = access_log.read_text().splitlines()
    assert len(lines) == len(asked) + 1, lines  # and the readiness probe
    assert not [line for line in lines if "SECRET" in line]
    assert '"GET /api/v1/testimonials/<patient-link>"' in lines[1]
    assert '"POST /api/v1/testimonials/<patient-link>"' in lines[2]
    assert '"GET /stories/<patient-link>"' in lines[3]
    assert '"GET /invite/<invitation>"' in lines[4]
    assert '"GET /api/v1/published/"' in lines[5], "other routes keep their path"
    assert '"POST /api/v1/testimonials/"' in lines[6], "the submission is not a private link"
