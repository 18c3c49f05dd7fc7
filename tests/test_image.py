"""The release image: built from an exact base, as a fixed non-root user,
tagged with the package version and carrying its bill of materials.

No Docker engine runs where the tests run, so the Dockerfile and the
Makefile are read, and the bill of materials is made the way the image
makes it (`make sbom` runs the same `uv export`)."""

import json
import re
import subprocess
import tomllib
from pathlib import Path

from tests.test_compose import _dockerfile_instructions
from tests.test_openapi_schema import _package_version

ROOT = Path(__file__).resolve().parents[1]
KUBERNETES = ROOT / "deploy" / "kubernetes"


def test_the_base_image_is_an_exact_python_and_debian_release():
    instructions = _dockerfile_instructions()
    keyword, rest = instructions[0]
    assert keyword == "ARG"
    name, _, default = rest.partition("=")
    assert name == "PYTHON_IMAGE"
    # A moving tag ("3.11-slim", "latest") would change under the same build.
    assert re.fullmatch(r"python:3\.11\.\d+-slim-(bookworm|trixie)(@sha256:[0-9a-f]{64})?", default)
    assert instructions[1] == ("FROM", "${PYTHON_IMAGE}")


def test_it_runs_as_the_uid_the_kubernetes_pods_run_as():
    instructions = _dockerfile_instructions()
    users = [rest for keyword, rest in instructions if keyword == "RUN" and "useradd" in rest]
    assert len(users) == 1
    uid = re.search(r"--uid (\d+)", users[0])
    gid = re.search(r"groupadd [^&]*--gid (\d+)", users[0])
    assert uid
    assert gid
    assert uid.group(1) == gid.group(1) != "0"
    assert [rest for keyword, rest in instructions if keyword == "USER"] == ["app"]
    pod_users = set(re.findall(r"runAsUser: (\d+)", "".join(
        path.read_text() for path in KUBERNETES.rglob("*.yaml")
    )))  # fmt: skip
    # nginx's own image runs as its own user (101); every pod of ours as the image's.
    assert uid.group(1) in pod_users
    assert pod_users <= {uid.group(1), "101"}


def test_make_image_tags_the_package_version_and_labels_it():
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile[makefile.index("\nimage:") :].split("\n\n")[0]
    assert "--build-arg VERSION=$(VERSION)" in recipe
    assert "-t $(IMAGE):$(VERSION)" in recipe
    assert "sbom.cdx.json" in recipe
    dry = subprocess.run(
        ["make", "-n", "image"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert f"--build-arg VERSION={_package_version()}" in dry
    assert f":{_package_version()}" in dry
    label = [rest for keyword, rest in _dockerfile_instructions() if keyword == "LABEL"]
    assert 'org.opencontainers.image.version="${VERSION}"' in label[0]


def test_the_bill_of_materials_lists_every_locked_runtime_package(tmp_path):
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "uv export --frozen --no-dev --format cyclonedx1.5" in dockerfile
    subprocess.run(
        ["make", "sbom", f"DIST={tmp_path}"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    [written] = tmp_path.glob("*.cdx.json")
    assert written.name == f"sbom-{_package_version()}.cdx.json"
    bom = json.loads(written.read_text())
    assert bom["bomFormat"] == "CycloneDX"
    assert bom["metadata"]["component"]["version"] == _package_version()
    listed = {(c["name"], c["version"]) for c in bom["components"]}
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    locked = {(p["name"], p["version"]) for p in lock["package"] if "version" in p}
    assert listed <= locked, listed - locked
    names = {name for name, _ in listed}
    # The runtime, and nothing of the tools that only test or lint.
    assert {"django", "djangorestframework", "celery", "gunicorn", "psycopg"} <= names
    assert not {"pytest", "ruff", "mypy", "playwright"} & names
