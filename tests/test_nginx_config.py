"""The repository's nginx config, run by Debian's nginx in front of a stand-in
upstream: its access log names the route of a patient's private link or an
invitation, never the secret in the path."""

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
TEMPLATE = ROOT / "deploy" / "nginx" / "testimonials.conf.template"
NGINX = "/usr/sbin/nginx"


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
    for folder in ("conf", "logs", "temp", "cache"):
        (tmp_path / folder).mkdir()
    access_log = tmp_path / "logs" / "access.log"
    (tmp_path / "conf" / "testimonials.conf").write_text(
        TEMPLATE.read_text()
        .replace("${TESTIMONIALS_UPSTREAM}", f"127.0.0.1:{upstream.server_port}")
        .replace("${NGINX_PORT}", f"127.0.0.1:{port}")
        .replace("${NGINX_CACHE_DIR}", str(tmp_path / "cache"))
        .replace("${NGINX_ACCESS_LOG}", f"{access_log} testimonials")
    )
    temp = tmp_path / "temp"
    user = "user root;\n" if os.geteuid() == 0 else ""
    (tmp_path / "conf" / "nginx.conf").write_text(
        f"""{user}worker_processes 1;
daemon off;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/logs/error.log warn;
events {{ worker_connections 64; }}
http {{
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include testimonials.conf;
}}
"""
    )
    process = subprocess.Popen(
        [NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "conf" / "nginx.conf")],
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
