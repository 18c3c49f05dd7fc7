"""The layout holds: no import circle, no module too long to read, every
task handed over by name is a real task, and services never import tasks.

Every module of our apps and of `config/` is parsed with `ast`, so imports
inside functions count as much as those at the top: a function-level
import is a circle Python merely postpones.
"""

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("testimonials", "moderation", "config")
MAX_LINES = 600

# Calls that hand a task to Celery by name; the name is their first argument.
ENQUEUE_CALLS = {
    ("enqueue", "on_commit"),
    ("enqueue", "send_now"),
    ("enqueue", "send_each"),
    ("outbox", "enqueue_on_commit"),
}

# Modules that may start tasks directly: the task modules themselves, the
# Celery app, and the commands an operator runs.
ENTRY_POINT_PARTS = {"tasks", "celery_app", "commands"}


@dataclass(frozen=True)
class Module:
    name: str
    path: Path
    tree: ast.Module

    @property
    def is_package(self) -> bool:
        return self.path.name == "__init__.py"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Module]:
    modules = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            name = _module_name(path)
            modules[name] = Module(name, path, ast.parse(path.read_text(), str(path)))
    return modules


MODULES = _modules()


def _imported(module: Module, node: ast.Import | ast.ImportFrom) -> Iterator[str]:
    """The dotted names an import statement brings in, anywhere in the file."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield alias.name
        return
    if node.level:
        base = module.name.split(".")
        if not module.is_package:
            base = base[:-1]
        base = base[: len(base) - (node.level - 1)]
        prefix = ".".join([*base, *([node.module] if node.module else [])])
    else:
        prefix = node.module or ""
    for alias in node.names:
        # `from package import name` runs `package.name` when that is a
        # module, else `package` (where `name` is defined).
        yield f"{prefix}.{alias.name}"


def _own_target(name: str) -> str | None:
    """The module of ours that importing `name` runs: itself, or the
    nearest module it lies in (`pkg.module.function` → `pkg.module`)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in MODULES}
    for module in MODULES.values():
        for node in ast.walk(module.tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            for name in _imported(module, node):
                target = _own_target(name)
                if target is not None and target != module.name:
                    graph[module.name].add(target)
    return graph


def find_circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One circle through each strongly connected group of modules (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return [_circle_in(sorted(group), graph) for group in groups]


def _circle_in(group: list[str], graph: dict[str, set[str]]) -> list[str]:
    """The shortest way from the group's first module back to itself."""
    members = set(group)
    start = group[0]
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for nxt in sorted(graph[node] & members):
                if nxt == start:
                    return [*paths[node], start]
                if nxt not in paths:
                    paths[nxt] = [*paths[node], nxt]
                    following.append(nxt)
        frontier = following
    raise AssertionError(f"no circle in {group}")


def test_the_circle_finder_finds_a_circle_and_names_it():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_circles(graph) == [["a", "b", "c", "a"]]
    assert find_circles({"a": {"b"}, "b": set()}) == []


def test_imports_inside_functions_count():
    graph = import_graph()
    # `config.celery_app` imports `config.metrics` only inside its signal handlers.
    assert "config.metrics" in graph["config.celery_app"]


def test_no_import_circle():
    circles = find_circles(import_graph())
    assert not circles, "import circles:\n" + "\n".join(" → ".join(c) for c in circles)


def test_testimonials_never_imports_moderation():
    """DESIGN: `moderation` imports `testimonials`, never the other way.
    The one hand-over (a submission's screening) goes by task name through
    `config.enqueue`, so it is no import."""
    upward = {
        name: sorted(t for t in targets if t.split(".")[0] == "moderation")
        for name, targets in import_graph().items()
        if name.split(".")[0] == "testimonials"
    }
    upward = {name: targets for name, targets in upward.items() if targets}
    assert not upward, f"testimonials modules that import moderation: {upward}"


def test_the_direction_check_sees_an_upward_import():
    graph = import_graph()
    # The check reads the same graph: moderation's imports of testimonials show.
    assert any(t.startswith("testimonials.") for t in graph["moderation.admin.consent"])


def test_no_module_is_over_600_lines():
    long = {
        name: count
        for name, module in MODULES.items()
        if (count := len(module.path.read_text().splitlines())) > MAX_LINES
    }
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def _enqueued_names() -> dict[str, list[str]]:
    """Each task name handed over by name, with where: `module:line`."""
    names: dict[str, list[str]] = {}
    for module in MODULES.values():
        for node in ast.walk(module.tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            owner = node.func.value
            if not isinstance(owner, ast.Name) or (owner.id, node.func.attr) not in ENQUEUE_CALLS:
                continue
            where = f"{module.name}:{node.lineno}"
            first = node.args[0] if node.args else None
            literal = f"{where}: name the task with a string literal, so this test can check it"
            assert isinstance(first, ast.Constant), literal
            assert isinstance(first.value, str), literal
            names.setdefault(first.value, []).append(where)
    return names


def test_every_task_handed_over_by_name_is_registered():
    from config import enqueue
    from config.celery_app import app

    app.loader.import_default_modules()
    enqueued = _enqueued_names()
    assert enqueued, "the finder found no enqueue call: it is broken"
    unregistered = {name: where for name, where in enqueued.items() if name not in app.tasks} | {
        name: ["TASK_NAMES"] for name in enqueue.TASK_NAMES if name not in app.tasks
    }
    assert not unregistered, f"not registered Celery tasks: {unregistered}"
    unlisted = {name: where for name, where in enqueued.items() if name not in enqueue.TASK_NAMES}
    assert not unlisted, f"enqueued by name but missing from TASK_NAMES: {unlisted}"


def _is_entry_point(name: str) -> bool:
    return bool(ENTRY_POINT_PARTS & set(name.split(".")))


def test_services_never_import_a_task_module():
    graph = import_graph()
    offenders = {
        name: sorted(target for target in targets if target.rpartition(".")[2] == "tasks")
        for name, targets in graph.items()
        if not _is_entry_point(name)
    }
    offenders = {name: targets for name, targets in offenders.items() if targets}
    assert not offenders, f"modules that import task modules: {offenders}"


@pytest.mark.parametrize("package", PACKAGES)
def test_every_module_says_what_it_is_for(package):
    undocumented = [
        name
        for name, module in MODULES.items()
        if name.split(".")[0] == package
        and ".migrations" not in name
        and module.path.stat().st_size
        and ast.get_docstring(module.tree) is None
    ]
    assert not undocumented, f"modules without a docstring: {undocumented}"
