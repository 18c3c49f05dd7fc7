"""The repository's nginx config, run by Debian's nginx in front of a stand-in
upstream: its access log names the route of a patient's private link or an
invitation, never the secret in the path."""

import contextlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

from tests.support.servers import free_port
from tests.test_production_settings import production_settings

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


@contextlib.contextmanager
def _nginx_in_front_of(upstream: str, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The repository's config run by nginx in front of `upstream`; yields
    nginx's base URL and its access log."""
    if not Path(NGINX).exists():
        message = f"nginx not found at {NGINX} (Debian: apt-get install nginx)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    port = free_port()
    access_log = tmp_path / "logs" / "access.log"
    config = _nginx_config().write_local_config(
        tmp_path,
        upstream=upstream,
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
    try:
        while True:
            try:
                requests.get(f"{base}/healthz", timeout=1)
                break
            except requests.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    errors = process.stderr.read() if process.stderr else b""
                    raise RuntimeError(f"nginx did not start: {errors!r}") from None
                time.sleep(0.05)
        yield base, access_log
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(tmp_path / "cache", ignore_errors=True)


@pytest.fixture
def nginx(tmp_path):
    upstream = ThreadingHTTPServer(("127.0.0.1", free_port()), _Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    try:
        with _nginx_in_front_of(f"127.0.0.1:{upstream.server_port}", tmp_path) as started:
            yield started
    finally:
        upstream.shutdown()


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


class _QuietRequestHandler(WSGIRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def django_with_production_proxy_settings(settings, transactional_db):
    """Django on a port of its own, with what production settings say about
    the scheme and HSTS (the middleware reads them when it is built, so the
    server is built after they are set); yields its address."""
    result = production_settings(
        "import json; from config.settings import production as p; "
        "print(json.dumps([p.SECURE_PROXY_SSL_HEADER, p.SECURE_HSTS_SECONDS]))"
    )
    assert result.returncode == 0, result.stderr
    proxy_ssl_header, hsts_seconds = json.loads(result.stdout.strip().splitlines()[-1])
    settings.SECURE_PROXY_SSL_HEADER = tuple(proxy_ssl_header)
    settings.SECURE_HSTS_SECONDS = hsts_seconds
    assert settings.SECURE_HSTS_SECONDS > 0
    server = ThreadedWSGIServer(("127.0.0.1", free_port()), _QuietRequestHandler)
    server.set_app(WSGIHandler())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _canonical_and_og_url(html: str) -> list[str]:
    pattern = r'<(?:link rel="canonical" href|meta property="og:url" content)="([^"]+)"'
    return re.findall(pattern, html)


def test_behind_a_tls_proxy_every_link_is_https_and_hsts_is_sent(
    django_with_production_proxy_settings, tmp_path, submission, topic
):
    """TLS proxy -> the repository's nginx -> Django: what the proxy says
    (X-Forwarded-Proto: https) reaches Django through nginx."""
    with _nginx_in_front_of(django_with_production_proxy_settings, tmp_path) as (base, _):
        host = base.removeprefix("http://")
        from_the_proxy = {"X-Forwarded-Proto": "https"}
        answer = requests.post(
            f"{base}/api/v1/testimonials/", json=submission, headers=from_the_proxy, timeout=10
        )
        assert answer.status_code == 202, answer.text
        links = [answer.json()[key] for key in ("status_url", "withdraw_url", "story_page_url")]
        assert all(link.startswith(f"https://{host}/") for link in links), links
        assert answer.headers["Strict-Transport-Security"].startswith("max-age=")

        story_page = requests.get(
            links[2].replace("https://", "http://"), headers=from_the_proxy, timeout=10
        )
        assert story_page.status_code == 200
        assert f'"https://{host}/stories/' in story_page.text
        assert "Strict-Transport-Security" in story_page.headers

        for path in (f"/education/{topic.slug}/", "/education/"):
            page = requests.get(f"{base}{path}", headers=from_the_proxy, timeout=10)
            assert page.status_code == 200, path
            urls = _canonical_and_og_url(page.text)
            assert urls, path
            assert all(url.startswith(f"https://{host}/") for url in urls), urls

        # The micro-cache keeps an https answer for https askers only.
        topic_api = f"{base}/api/v1/topics/{topic.slug}/"
        cached = [
            requests.get(topic_api, headers=headers, timeout=10)
            for headers in (from_the_proxy, from_the_proxy, {})
        ]
        assert [answer.headers["X-Cache-Status"] for answer in cached[:2]] == ["MISS", "HIT"]
        assert f'"https://{host}/education/' in cached[1].text
        assert f'"http://{host}/education/' in cached[2].text

        # Asked over plain http with no proxy in front, nginx's own scheme:
        # http links, and no HSTS (a browser ignores it over http anyway).
        plain = requests.get(f"{base}/education/{topic.slug}/", timeout=10)
        assert all(url.startswith(f"http://{host}/") for url in _canonical_and_og_url(plain.text))
        assert "Strict-Transport-Security" not in plain.headers
