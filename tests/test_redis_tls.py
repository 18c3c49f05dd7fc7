"""A managed Redis over TLS, played by a redis-server of the test's own with
a certificate from a CA the test makes: with a rediss:// REDIS_URL and that
CA, production settings reach it for the cache and the broker (the readiness
checks say so); a certificate from another CA is refused."""

import json
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.servers import free_port, unavailable
from tests.test_production_settings import production_settings

READINESS = """
import json, django
django.setup()
from config import health

def ok(check):
    try:
        return bool(check())
    except Exception as error:
        return type(error).__name__

print(json.dumps({name: ok(health.CHECKS[name]) for name in ("cache", "broker")}))
"""


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def _certificate_authority(folder: Path, name: str) -> None:
    _openssl(
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        "-keyout", f"{name}.key", "-out", f"{name}.pem", "-subj", f"/CN={name}",
        cwd=folder,
    )  # fmt: skip


@pytest.fixture
def tls_redis(tmp_path: Path) -> Iterator[tuple[str, Path, Path]]:
    """A TLS-only redis-server on loopback; yields its rediss:// URL, the CA
    that signed its certificate and a CA that did not."""
    if shutil.which("redis-server") is None or shutil.which("openssl") is None:
        unavailable("redis-server or openssl is not installed")
    _certificate_authority(tmp_path, "clinic-ca")
    _certificate_authority(tmp_path, "other-ca")
    (tmp_path / "san.ext").write_text("subjectAltName=IP:127.0.0.1\n")
    _openssl(
        "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
        "-subj", "/CN=127.0.0.1",
        cwd=tmp_path,
    )  # fmt: skip
    _openssl(
        "x509", "-req", "-in", "server.csr", "-CA", "clinic-ca.pem", "-CAkey", "clinic-ca.key",
        "-CAcreateserial", "-out", "server.pem", "-days", "1", "-extfile", "san.ext",
        cwd=tmp_path,
    )  # fmt: skip
    port = free_port()
    process = subprocess.Popen(
        [
            "redis-server", "--port", "0", "--tls-port", str(port), "--bind", "127.0.0.1",
            "--tls-cert-file", "server.pem", "--tls-key-file", "server.key",
            "--tls-ca-cert-file", "clinic-ca.pem", "--tls-auth-clients", "no",
            "--save", "", "--appendonly", "no", "--dir", str(tmp_path),
        ],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the TLS redis-server did not start") from None
                time.sleep(0.05)
        yield f"rediss://127.0.0.1:{port}/0", tmp_path / "clinic-ca.pem", tmp_path / "other-ca.pem"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _readiness(url: str, ca: Path) -> dict[str, bool | str]:
    result = production_settings(
        READINESS,
        DJANGO_SETTINGS_MODULE="config.settings.production",
        REDIS_URL=url,
        REDIS_TLS_CA_CERTS=str(ca),
        REDIS_KEY_PREFIX="tls-test:",
    )
    assert result.returncode == 0, result.stderr
    checks: dict[str, bool | str] = json.loads(result.stdout.strip().splitlines()[-1])
    return checks


def test_cache_and_broker_reach_a_redis_over_verified_tls(tls_redis):
    url, clinic_ca, other_ca = tls_redis
    assert _readiness(url, clinic_ca) == {"cache": True, "broker": True}
    # The control: a server whose certificate the CA bundle does not vouch
    # for is not spoken to.
    refused = _readiness(url, other_ca)
    assert refused["cache"] is not True, refused
    assert refused["broker"] is not True, refused
