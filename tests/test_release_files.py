"""The files that let people adopt the project are there and agree with it:
the MIT licence pyproject.toml names, a changelog with an entry for the
current version and a place for what comes next, a security policy that
supports the current release, and README leading to them."""

import re
import tomllib
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
VERSION = PROJECT["version"]
RELEASE_HEADING = re.compile(r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$", re.MULTILINE)


def test_the_licence_is_the_mit_licence_pyproject_names():
    licence = (ROOT / "LICENSE").read_text()
    assert PROJECT["license"] == "MIT"
    assert licence.startswith("MIT License\n")
    assert re.search(
        r"^Copyright \(c\) \d{4} The testimonials service contributors$", licence, re.M
    )
    assert 'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND' in licence


def test_the_changelog_has_the_current_version_and_a_place_for_what_comes():
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert "keepachangelog.com" in changelog
    releases = RELEASE_HEADING.findall(changelog)
    assert releases, "CHANGELOG.md has no release heading like `## [1.2.3] - 2026-01-31`"
    assert changelog.index("## [Unreleased]") < changelog.index(f"## [{releases[0][0]}]")
    assert releases[0][0] == VERSION, (
        f"the newest release in CHANGELOG.md is {releases[0][0]}, pyproject.toml says {VERSION}"
    )
    versions = [tuple(map(int, version.split("."))) for version, _ in releases]
    assert versions == sorted(versions, reverse=True)
    dates = [date.fromisoformat(day) for _, day in releases]
    assert dates == sorted(dates, reverse=True)


def test_the_security_policy_supports_the_current_release_and_says_how_to_report():
    policy = (ROOT / "SECURITY.md").read_text()
    major, minor, _ = VERSION.split(".")
    assert f"| {major}.{minor}.x" in policy, f"SECURITY.md does not list {major}.{minor}.x"
    assert "## Reporting a vulnerability" in policy
    assert "privately" in policy


def test_the_readme_leads_to_each_of_them():
    readme = (ROOT / "README.md").read_text()
    for name in ("CONTRIBUTING.md", "CHANGELOG.md", "SECURITY.md", "LICENSE"):
        assert f"]({name})" in readme, name
        assert (ROOT / name).is_file(), name
