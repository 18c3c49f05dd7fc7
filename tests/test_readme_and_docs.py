"""README stays a page a newcomer reads in minutes, and every link from it,
from the other pages at the root (CONTRIBUTING, CHANGELOG, SECURITY) and
inside docs/ leads somewhere: the file exists and, for a link to a heading,
the heading does too (anchors made the way GitHub makes them)."""

import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
MARKDOWN_FILES = [*sorted(ROOT.glob("*.md")), *sorted(DOCS.glob("*.md"))]

LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def _outside_code_blocks(text: str) -> list[str]:
    lines, in_block = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            in_block = not in_block
        elif not in_block:
            lines.append(line)
    return lines


def _links(path: Path) -> list[str]:
    return [
        target
        for line in _outside_code_blocks(path.read_text())
        for target in LINK.findall(re.sub(r"`[^`]*`", "", line))
    ]


def _relative_links(path: Path) -> list[str]:
    return [target for target in _links(path) if not re.match(r"[a-z]+:", target)]


def _anchors(path: Path) -> set[str]:
    seen: Counter[str] = Counter()
    anchors = set()
    for line in _outside_code_blocks(path.read_text()):
        heading = re.match(r"#{1,6} (.+)", line)
        if not heading:
            continue
        slug = re.sub(r"[^\w\- ]", "", heading.group(1).strip().lower()).replace(" ", "-")
        anchors.add(f"{slug}-{seen[slug]}" if seen[slug] else slug)
        seen[slug] += 1
    return anchors


def test_the_readme_is_short():
    lines = README.read_text().count("\n")
    assert lines <= 320, f"README.md has {lines} lines; move detail into docs/"


def test_the_readme_links_to_every_doc_and_each_one_exists():
    linked = {target.split("#")[0] for target in _relative_links(README)}
    linked_docs = {name for name in linked if name.startswith("docs/") and name.endswith(".md")}
    assert linked_docs, "README.md links to no file in docs/"
    missing = sorted(name for name in linked_docs if not (ROOT / name).is_file())
    assert not missing, f"README.md links to docs that do not exist: {missing}"
    unlinked = sorted(
        f"docs/{path.name}" for path in DOCS.glob("*.md") if f"docs/{path.name}" not in linked
    )
    assert not unlinked, f"docs README.md does not lead to: {unlinked}"


@pytest.mark.parametrize("path", MARKDOWN_FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_relative_link_resolves(path):
    broken = []
    for target in _relative_links(path):
        file_part, _, anchor = target.partition("#")
        destination = (path.parent / file_part).resolve() if file_part else path
        if not destination.exists() or (
            anchor and destination.suffix == ".md" and anchor not in _anchors(destination)
        ):
            broken.append(target)
    assert not broken, f"links in {path.relative_to(ROOT)} that lead nowhere: {broken}"
