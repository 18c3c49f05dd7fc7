"""What a client written against one OpenAPI 3 schema would find missing or
refused in another: the breaking changes between OLD and NEW.

`make schema` runs it against the released baseline (`openapi/released/`,
the newest release with the same major version), and
tests/test_openapi_schema.py fails on any break, so "API changes are
additive" is checked, not promised.

    python scripts/openapi_breaks.py OLD.yaml NEW.yaml
    python scripts/openapi_breaks.py --released openapi/released NEW.yaml

prints one break a line and exits 1 if there is any.

A break is a path or an operation removed; a success (2xx) response or a
media type of a response removed; a property removed from, no longer always
present in, or of another type in an answer (errors included); an enum value
removed, in a request or an answer; a request body, request property or
parameter newly required (new, or optional before); a parameter, request
property or request media type removed (this API refuses a body with a
property it does not know, `testimonials/fields.py`); a request property or
parameter that no longer accepts a type, or is newly limited to an enum.
Additions pass: paths, operations, optional request properties and
parameters, response properties and responses, enum values.

Both schemas are walked with every `$ref` resolved. `allOf` merges its
parts; `oneOf` and `anyOf` are read as their union (the properties any
variant has, required what every variant requires, the enum values of any),
which is how drf-spectacular writes a nullable enum.
"""

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Node = dict[str, Any]
# A break below a schema: the path to it (property names, `[]` for an
# array's items), its kind and detail.
_Found = tuple[tuple[str, ...], str, str]
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True, order=True)
class Break:
    """One change that breaks a client: where it is and what kind it is."""

    where: str
    kind: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.where}: {self.kind}" + (f" ({self.detail})" if self.detail else "")


@dataclass
class _Shape:
    """A schema with its `$ref`s followed and `allOf` / `oneOf` / `anyOf` folded."""

    types: set[str] = field(default_factory=set)  # empty: any type
    properties: dict[str, Node] = field(default_factory=dict)
    required: set[str] = field(default_factory=set)
    enum: dict[str, Any] | None = None  # canonical JSON -> the value
    items: list[Node] = field(default_factory=list)


def _pointer(document: Node, ref: str) -> Node:
    if not ref.startswith("#/"):
        raise ValueError(f"only local references are supported, not {ref!r}")
    node: Any = document
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    if not isinstance(node, dict):
        raise ValueError(f"{ref!r} is not an object")
    return node


def _resolve(document: Node, node: Node) -> Node:
    seen: set[str] = set()
    while "$ref" in node:
        ref = node["$ref"]
        if ref in seen:
            raise ValueError(f"{ref!r} refers to itself")
        seen.add(ref)
        node = _pointer(document, ref)
    return node


def _types(node: Node) -> set[str]:
    declared = node.get("type")
    types = set(declared) if isinstance(declared, list) else {declared} if declared else set()
    if types and node.get("nullable"):
        types.add("null")
    return types


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def _shape(document: Node, node: Node, depth: int = 0) -> _Shape:
    node = _resolve(document, node)
    shape = _Shape(
        types=_types(node),
        properties=dict(node.get("properties", {})),
        required=set(node.get("required", [])),
        enum={_canonical(value): value for value in node["enum"]} if "enum" in node else None,
        items=[node["items"]] if "items" in node else [],
    )
    if depth > 50:
        raise ValueError("allOf / oneOf / anyOf nested too deep")
    for part in node.get("allOf", []):
        _merge_all_of(shape, _shape(document, part, depth + 1))
    for key in ("oneOf", "anyOf"):
        if key in node:
            _merge_union(shape, [_shape(document, part, depth + 1) for part in node[key]])
    return shape


def _merge_all_of(shape: _Shape, part: _Shape) -> None:
    if part.types:
        shape.types = shape.types & part.types if shape.types else set(part.types)
    for name, schema in part.properties.items():
        shape.properties.setdefault(name, schema)
    shape.required |= part.required
    if part.enum is not None:
        shape.enum = (
            dict(part.enum)
            if shape.enum is None
            else {key: value for key, value in shape.enum.items() if key in part.enum}
        )
    shape.items += part.items


def _merge_union(shape: _Shape, variants: list[_Shape]) -> None:
    if not variants:
        return
    if all(variant.types for variant in variants):
        shape.types |= set().union(*(variant.types for variant in variants))
    for variant in variants:
        for name, schema in variant.properties.items():
            shape.properties.setdefault(name, schema)
        shape.items += variant.items
    shape.required |= set.intersection(*(variant.required for variant in variants))
    if all(variant.enum is not None for variant in variants):
        union: dict[str, Any] = dict(shape.enum or {})
        for variant in variants:
            union.update(variant.enum or {})
        shape.enum = union


def _covers(wide: set[str], narrow: set[str]) -> bool:
    """Whether every value of the `narrow` types is a value of the `wide` ones."""
    return all(kind in wide or (kind == "integer" and "number" in wide) for kind in narrow)


def _label(types: set[str]) -> str:
    return " or ".join(sorted(types))


class _Comparison:
    def __init__(self, old: Node, new: Node) -> None:
        self.old, self.new = old, new
        self.breaks: list[Break] = []
        # The schema pairs being compared on the way down (a recursive
        # schema stops there), how often that happened, and each finished
        # pair's breaks.
        self._on_stack: set[tuple[int, int, str]] = set()
        self._cuts = 0
        self._walked: dict[tuple[int, int, str], list[_Found]] = {}
        # Components are met once per operation that uses them; fold each once.
        self._shapes: dict[tuple[int, int], _Shape] = {}

    def add(self, where: str, kind: str, detail: str = "") -> None:
        self.breaks.append(Break(where, kind, detail))

    def run(self) -> list[Break]:
        old_paths, new_paths = self.old.get("paths", {}), self.new.get("paths", {})
        for path, old_item in old_paths.items():
            if path not in new_paths:
                self.add(path, "path removed")
                continue
            new_item = new_paths[path]
            for method in METHODS:
                if method not in old_item:
                    continue
                where = f"{method.upper()} {path}"
                if method not in new_item:
                    self.add(where, "operation removed")
                    continue
                self._operation(where, old_item, new_item, method)
        return sorted(set(self.breaks))

    def _operation(self, where: str, old_item: Node, new_item: Node, method: str) -> None:
        old_operation = _resolve(self.old, old_item[method])
        new_operation = _resolve(self.new, new_item[method])
        self._parameters(
            where,
            self._parameters_of(self.old, old_item, old_operation),
            self._parameters_of(self.new, new_item, new_operation),
        )
        self._request_body(
            where, old_operation.get("requestBody"), new_operation.get("requestBody")
        )
        # YAML reads an unquoted status code as a number.
        old_responses = {str(code): r for code, r in old_operation.get("responses", {}).items()}
        new_responses = {str(code): r for code, r in new_operation.get("responses", {}).items()}
        for status, old_response in old_responses.items():
            if status in new_responses:
                self._response(f"{where} {status}", old_response, new_responses[status])
            elif status.startswith("2"):
                # An error no longer answered is no loss to a client.
                self.add(f"{where} {status}", "response removed")

    @staticmethod
    def _parameters_of(document: Node, item: Node, operation: Node) -> dict[tuple[str, str], Node]:
        # An operation's parameter replaces the path's one of the same name and place.
        merged: dict[tuple[str, str], Node] = {}
        for parameter in [*item.get("parameters", []), *operation.get("parameters", [])]:
            parameter = _resolve(document, parameter)
            merged[(parameter["in"], parameter["name"])] = parameter
        return merged

    def _parameters(
        self,
        where: str,
        old: dict[tuple[str, str], Node],
        new: dict[tuple[str, str], Node],
    ) -> None:
        for key in old.keys() - new.keys():
            self.add(f"{where} {key[0]} parameter `{key[1]}`", "parameter removed")
        for key, parameter in new.items():
            place = f"{where} {key[0]} parameter `{key[1]}`"
            old_parameter = old.get(key)
            if parameter.get("required") and not (old_parameter and old_parameter.get("required")):
                self.add(place, "newly required")
            if old_parameter and "schema" in old_parameter and "schema" in parameter:
                self._schemas(place, old_parameter["schema"], parameter["schema"], "request")

    def _request_body(self, where: str, old: Node | None, new: Node | None) -> None:
        old = _resolve(self.old, old) if old else None
        new = _resolve(self.new, new) if new else None
        if new and new.get("required") and not (old and old.get("required")):
            self.add(f"{where} request body", "newly required")
        if not old:
            return
        new_content = new.get("content", {}) if new else {}
        for media_type, old_media in old.get("content", {}).items():
            place = f"{where} request {media_type}"
            if media_type not in new_content:
                self.add(place, "media type no longer accepted")
            elif "schema" in old_media and "schema" in new_content[media_type]:
                self._schemas(
                    place, old_media["schema"], new_content[media_type]["schema"], "request"
                )

    def _response(self, where: str, old: Node, new: Node) -> None:
        old, new = _resolve(self.old, old), _resolve(self.new, new)
        new_content = new.get("content", {})
        for media_type, old_media in old.get("content", {}).items():
            place = f"{where} {media_type}"
            if media_type not in new_content:
                self.add(place, "media type removed")
            elif "schema" in old_media and "schema" in new_content[media_type]:
                self._schemas(
                    place, old_media["schema"], new_content[media_type]["schema"], "answer"
                )

    def _shape(self, document: Node, node: Node) -> _Shape:
        key = (id(document), id(node))
        if key not in self._shapes:
            self._shapes[key] = _shape(document, node)
        return self._shapes[key]

    def _schemas(self, where: str, old: Node, new: Node, direction: str) -> None:
        for path, kind, detail in self._walk(old, new, direction):
            self.add(_at(where, _render(path)), kind, detail)

    def _walk(self, old_node: Node, new_node: Node, direction: str) -> list[_Found]:
        """The breaks between two schemas, each at its path below them.

        A pair of schemas is walked once and its result reused wherever it
        appears (a component is met in every operation that uses it), unless
        the walk was cut short by a recursive schema."""
        key = (id(_resolve(self.old, old_node)), id(_resolve(self.new, new_node)), direction)
        if key in self._walked:
            return self._walked[key]
        if key in self._on_stack:
            self._cuts += 1
            return []
        self._on_stack.add(key)
        cuts_before = self._cuts
        old, new = self._shape(self.old, old_node), self._shape(self.new, new_node)
        found = self._answer(old, new) if direction == "answer" else self._request(old, new)
        for old_items in old.items:
            for new_items in new.items:
                found += [
                    (("[]", *path), kind, detail)
                    for path, kind, detail in self._walk(old_items, new_items, direction)
                ]
        self._on_stack.discard(key)
        if self._cuts == cuts_before:
            self._walked[key] = found
        return found

    def _answer(self, old: _Shape, new: _Shape) -> list[_Found]:
        """A schema the server answers with: what clients read must stay."""
        found: list[_Found] = []
        if old.types and new.types and not _covers(old.types, new.types):
            found.append(((), "type changed", f"{_label(old.types)} -> {_label(new.types)}"))
        found += self._enum(old, new)
        for name, old_property in old.properties.items():
            if name not in new.properties:
                found.append(((name,), "response property removed", ""))
                continue
            if name in old.required and name not in new.required:
                found.append(((name,), "response property no longer always present", ""))
            found += [
                ((name, *path), kind, detail)
                for path, kind, detail in self._walk(old_property, new.properties[name], "answer")
            ]
        return found

    def _request(self, old: _Shape, new: _Shape) -> list[_Found]:
        """A schema clients send: what they sent before must still be accepted."""
        found: list[_Found] = []
        if old.types and new.types and not _covers(new.types, old.types):
            found.append(((), "type changed", f"{_label(old.types)} -> {_label(new.types)}"))
        if old.enum is None and new.enum is not None:
            found.append(((), "newly limited to an enum", ""))
        found += self._enum(old, new)
        found += [((name,), "newly required", "") for name in new.required - old.required]
        for name, old_property in old.properties.items():
            if name not in new.properties:
                found.append(((name,), "request property no longer accepted", ""))
                continue
            found += [
                ((name, *path), kind, detail)
                for path, kind, detail in self._walk(old_property, new.properties[name], "request")
            ]
        return found

    @staticmethod
    def _enum(old: _Shape, new: _Shape) -> list[_Found]:
        if old.enum is None or new.enum is None:
            return []
        return [((), "enum value removed", key) for key in old.enum.keys() - new.enum.keys()]


def _render(path: tuple[str, ...]) -> str:
    rendered = ""
    for part in path:
        rendered += part if part == "[]" or not rendered else f".{part}"
    return rendered


def _at(where: str, path: str) -> str:
    return f"{where} `{path}`" if path else where


def breaking_changes(old: Node, new: Node) -> list[Break]:
    """Every change from `old` to `new` that breaks a client of `old`."""
    return _Comparison(old, new).run()


def load(path: Path) -> Node:
    """A schema file, YAML or JSON."""
    document = yaml.safe_load(path.read_text())
    if not isinstance(document, dict):
        raise ValueError(f"{path} is not an OpenAPI document")
    return document


def _version(text: str) -> tuple[int, ...]:
    match = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)", text)
    if not match:
        raise ValueError(f"{text!r} is not a version like 1.2.3")
    return tuple(int(part) for part in match.groups())


def baseline_for(version: str, released: Path) -> Path | None:
    """The newest released schema (`released/X.Y.Z.yaml`) with the major
    version of `version` and not newer than it; None for a new major version
    (a break is what a new major version is for)."""
    wanted = _version(version)
    candidates = [
        (_version(path.stem), path)
        for path in released.glob("*.yaml")
        if _version(path.stem)[0] == wanted[0] and _version(path.stem) <= wanted
    ]
    return max(candidates)[1] if candidates else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old", type=Path, nargs="?", help="the schema clients were written for")
    parser.add_argument("new", type=Path, help="the schema the code serves now")
    parser.add_argument(
        "--released", type=Path, help="instead of OLD: the folder of released schemas"
    )
    arguments = parser.parse_args(argv)
    new = load(arguments.new)
    old_path = arguments.old
    if arguments.released is not None:
        old_path = baseline_for(new["info"]["version"], arguments.released)
        if old_path is None:
            print(f"no released schema with the major version of {new['info']['version']}")
            return 0
    if old_path is None:
        parser.error("give OLD or --released")
    breaks = breaking_changes(load(old_path), new)
    for found in breaks:
        print(found)
    print(f"{len(breaks)} breaking change(s) from {old_path} to {arguments.new}", file=sys.stderr)
    return 1 if breaks else 0


if __name__ == "__main__":
    sys.exit(main())
