"""The committed OpenAPI schema (openapi/schema.yaml) is what the code
serves, so a change to the API shows in review and is regenerated on purpose
(`make schema`); what the code serves breaks nothing the newest release of
the same major version (openapi/released/) promised; and the API's version
is the package's."""

import re
import tomllib
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command

from tests.test_openapi_breaks import openapi_breaks

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "openapi" / "schema.yaml"
RELEASED = ROOT / "openapi" / "released"
PYPROJECT = ROOT / "pyproject.toml"


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> str:
    """The schema as `make schema` writes it from the code."""
    path = tmp_path_factory.mktemp("schema") / "schema.yaml"
    call_command("spectacular", "--file", str(path))
    return str(path.read_text())


def _package_version() -> str:
    return str(tomllib.loads(PYPROJECT.read_text())["project"]["version"])


def test_the_committed_schema_is_what_the_code_generates(generated):
    assert SCHEMA.read_text() == generated, (
        "openapi/schema.yaml differs from what the code generates: run `make schema`, "
        "and review the difference (an API change must be additive)"
    )


def test_the_code_breaks_nothing_the_released_api_promised(generated):
    baseline = openapi_breaks.baseline_for(_package_version(), RELEASED)
    assert baseline is not None, f"no schema in {RELEASED} for version {_package_version()}"
    breaks = openapi_breaks.breaking_changes(
        openapi_breaks.load(baseline), yaml.safe_load(generated)
    )
    assert not breaks, (
        f"breaking changes against {baseline.relative_to(ROOT)}:\n"
        + "\n".join(map(str, breaks))
        + "\nMake the change additive; a break needs a new major version (CONTRIBUTING.md)."
    )


def test_the_api_version_is_the_package_version(generated):
    version = _package_version()
    assert re.fullmatch(r"\d+\.\d+\.\d+", version)
    assert settings.SPECTACULAR_SETTINGS["VERSION"] == version
    assert yaml.safe_load(generated)["info"]["version"] == version


def test_every_released_schema_is_named_by_its_version():
    released = sorted(RELEASED.glob("*.yaml"))
    assert released
    for path in released:
        assert openapi_breaks.load(path)["info"]["version"] == path.stem, path.name
