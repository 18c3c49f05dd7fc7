"""scripts/openapi_breaks.py on small hand-made schema pairs: each kind of
breaking change is found where it is, through `$ref`, `allOf`, `oneOf` and
arrays, and additive changes pass."""

import copy
import importlib.util
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


def _openapi_breaks():
    spec = importlib.util.spec_from_file_location(
        "openapi_breaks", ROOT / "scripts" / "openapi_breaks.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


openapi_breaks = _openapi_breaks()

JSON = "application/json"


def _api() -> dict:
    """A small API in drf-spectacular's shape: a list of stories to read, a
    submission to send, with components, a nullable enum and an array."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1.0.0"},
        "paths": {
            "/stories/": {
                "get": {
                    "parameters": [
                        {"in": "query", "name": "topic", "schema": {"type": "string"}},
                        {
                            "in": "query",
                            "name": "order",
                            "schema": {"$ref": "#/components/schemas/OrderEnum"},
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "",
                            "content": {
                                JSON: {"schema": {"$ref": "#/components/schemas/StoryPage"}}
                            },
                        },
                        "404": {
                            "description": "",
                            "content": {JSON: {"schema": {"$ref": "#/components/schemas/Error"}}},
                        },
                    },
                },
                "post": {
                    "requestBody": {
                        "required": True,
                        "content": {
                            JSON: {"schema": {"$ref": "#/components/schemas/SubmissionRequest"}}
                        },
                    },
                    "responses": {
                        "202": {
                            "description": "",
                            "content": {JSON: {"schema": {"$ref": "#/components/schemas/Story"}}},
                        }
                    },
                },
            },
            "/stories/{id}/": {
                "parameters": [
                    {"in": "path", "name": "id", "required": True, "schema": {"type": "string"}}
                ],
                "get": {
                    "responses": {
                        "200": {
                            "description": "",
                            "content": {JSON: {"schema": {"$ref": "#/components/schemas/Story"}}},
                        }
                    }
                },
            },
        },
        "components": {
            "schemas": {
                "Error": {
                    "type": "object",
                    "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
                    "required": ["detail", "code"],
                },
                "OrderEnum": {"type": "string", "enum": ["newest", "oldest"]},
                "StatusEnum": {"type": "string", "enum": ["pending", "published"]},
                "NullEnum": {"enum": [None]},
                "Flag": {
                    "type": "object",
                    "properties": {"kind": {"type": "string"}, "start": {"type": "integer"}},
                    "required": ["kind"],
                },
                "Story": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string", "format": "uuid"},
                        "status": {"$ref": "#/components/schemas/StatusEnum"},
                        "rating": {"type": "integer", "nullable": True},
                        "flags": {"type": "array", "items": {"$ref": "#/components/schemas/Flag"}},
                        "display": {
                            "nullable": True,
                            "oneOf": [
                                {"$ref": "#/components/schemas/StatusEnum"},
                                {"$ref": "#/components/schemas/NullEnum"},
                            ],
                        },
                    },
                    "required": ["id", "status", "flags"],
                },
                "StoryPage": {
                    "type": "object",
                    "properties": {
                        "next": {"type": "string", "nullable": True},
                        "results": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/Story"},
                        },
                    },
                    "required": ["results"],
                },
                "SubmissionRequest": {
                    "type": "object",
                    "properties": {
                        "body": {"type": "string"},
                        "rating": {"type": "integer"},
                        "consent": {
                            "allOf": [{"$ref": "#/components/schemas/ConsentRequest"}],
                            "description": "the consent given",
                        },
                        "channels": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/OrderEnum"},
                        },
                    },
                    "required": ["body"],
                },
                "ConsentRequest": {
                    "type": "object",
                    "properties": {"version": {"type": "string"}, "signature": {"type": "string"}},
                    "required": ["version"],
                },
            }
        },
    }


def _breaks(change) -> list[str]:
    old = _api()
    new = copy.deepcopy(old)
    change(new, new["components"]["schemas"], new["paths"])
    return [str(found) for found in openapi_breaks.breaking_changes(old, new)]


def test_the_same_schema_has_no_break():
    assert _breaks(lambda api, schemas, paths: None) == []


def test_it_finds_a_removed_path():
    assert _breaks(lambda api, schemas, paths: paths.pop("/stories/{id}/")) == [
        "/stories/{id}/: path removed"
    ]


def test_it_finds_a_removed_operation():
    assert _breaks(lambda api, schemas, paths: paths["/stories/"].pop("post")) == [
        "POST /stories/: operation removed"
    ]


def test_it_finds_a_removed_success_response_but_not_a_removed_error():
    def change(api, schemas, paths):
        responses = paths["/stories/"]["post"]["responses"]
        responses["201"] = responses.pop("202")
        paths["/stories/"]["get"]["responses"].pop("404")

    assert _breaks(change) == ["POST /stories/ 202: response removed"]


def test_it_finds_a_removed_response_media_type():
    def change(api, schemas, paths):
        content = paths["/stories/{id}/"]["get"]["responses"]["200"]["content"]
        content["application/xml"] = content.pop(JSON)

    assert _breaks(change) == ["GET /stories/{id}/ 200 application/json: media type removed"]


def test_it_finds_a_removed_response_property_wherever_the_component_is_used():
    assert _breaks(lambda api, schemas, paths: schemas["Story"]["properties"].pop("rating")) == [
        "GET /stories/ 200 application/json `results[].rating`: response property removed",
        "GET /stories/{id}/ 200 application/json `rating`: response property removed",
        "POST /stories/ 202 application/json `rating`: response property removed",
    ]


def test_it_finds_a_property_removed_inside_an_array_of_a_component():
    assert _breaks(lambda api, schemas, paths: schemas["Flag"]["properties"].pop("start")) == [
        "GET /stories/ 200 application/json `results[].flags[].start`: response property removed",
        "GET /stories/{id}/ 200 application/json `flags[].start`: response property removed",
        "POST /stories/ 202 application/json `flags[].start`: response property removed",
    ]


def test_it_finds_a_property_removed_from_an_error_answer():
    assert _breaks(lambda api, schemas, paths: schemas["Error"]["properties"].pop("code")) == [
        "GET /stories/ 404 application/json `code`: response property removed"
    ]


def test_it_finds_a_removed_request_property_and_a_removed_parameter():
    def change(api, schemas, paths):
        schemas["SubmissionRequest"]["properties"].pop("rating")
        paths["/stories/"]["get"]["parameters"].pop(0)

    assert _breaks(change) == [
        "GET /stories/ query parameter `topic`: parameter removed",
        "POST /stories/ request application/json `rating`: request property no longer accepted",
    ]


def test_it_finds_a_response_property_that_is_no_longer_always_present():
    breaks = _breaks(lambda api, schemas, paths: schemas["Story"]["required"].remove("status"))
    assert (
        "GET /stories/{id}/ 200 application/json `status`: response property no longer "
        "always present"
    ) in breaks
    assert len(breaks) == 3


def test_it_finds_a_response_property_of_another_type():
    def change(api, schemas, paths):
        schemas["Story"]["properties"]["id"] = {"type": "integer"}

    assert "GET /stories/{id}/ 200 application/json `id`: type changed (string -> integer)" in (
        _breaks(change)
    )


def test_it_finds_a_response_property_that_may_now_be_null():
    def change(api, schemas, paths):
        schemas["Flag"]["properties"]["kind"]["nullable"] = True

    assert (
        "GET /stories/{id}/ 200 application/json `flags[].kind`: type changed "
        "(string -> null or string)"
    ) in _breaks(change)


def test_it_finds_a_removed_enum_value_in_an_answer_even_behind_one_of():
    breaks = _breaks(lambda api, schemas, paths: schemas["StatusEnum"]["enum"].remove("pending"))
    assert 'GET /stories/{id}/ 200 application/json `status`: enum value removed ("pending")' in (
        breaks
    )
    assert 'GET /stories/{id}/ 200 application/json `display`: enum value removed ("pending")' in (
        breaks
    )


def test_it_finds_a_removed_enum_value_in_a_request_and_a_parameter():
    assert _breaks(lambda api, schemas, paths: schemas["OrderEnum"]["enum"].remove("oldest")) == [
        'GET /stories/ query parameter `order`: enum value removed ("oldest")',
        'POST /stories/ request application/json `channels[]`: enum value removed ("oldest")',
    ]


def test_it_finds_a_new_required_request_property():
    def change(api, schemas, paths):
        schemas["SubmissionRequest"]["properties"]["email"] = {"type": "string"}
        schemas["SubmissionRequest"]["required"].append("email")

    assert _breaks(change) == ["POST /stories/ request application/json `email`: newly required"]


def test_it_finds_an_optional_request_property_made_required_through_all_of():
    assert _breaks(
        lambda api, schemas, paths: schemas["ConsentRequest"]["required"].append("signature")
    ) == ["POST /stories/ request application/json `consent.signature`: newly required"]


def test_it_finds_a_request_property_that_no_longer_takes_what_it_took():
    def change(api, schemas, paths):
        schemas["SubmissionRequest"]["properties"]["rating"] = {"type": "integer", "enum": [1, 5]}
        schemas["ConsentRequest"]["properties"]["version"] = {"type": "integer"}

    assert _breaks(change) == [
        "POST /stories/ request application/json `consent.version`: type changed "
        "(string -> integer)",
        "POST /stories/ request application/json `rating`: newly limited to an enum",
    ]


def test_it_finds_a_new_required_parameter_and_an_optional_one_made_required():
    def change(api, schemas, paths):
        parameters = paths["/stories/"]["get"]["parameters"]
        parameters[0]["required"] = True
        parameters.append(
            {"in": "header", "name": "X-Site", "required": True, "schema": {"type": "string"}}
        )

    assert _breaks(change) == [
        "GET /stories/ header parameter `X-Site`: newly required",
        "GET /stories/ query parameter `topic`: newly required",
    ]


def test_it_finds_a_request_body_newly_required_and_a_media_type_no_longer_accepted():
    def change(api, schemas, paths):
        paths["/stories/{id}/"]["put"] = {
            "responses": {"200": {"description": ""}},
        }
        paths["/stories/{id}/"]["get"]["requestBody"] = {
            "required": True,
            "content": {JSON: {"schema": {"type": "object"}}},
        }
        content = paths["/stories/"]["post"]["requestBody"]["content"]
        content["multipart/form-data"] = content.pop(JSON)

    assert _breaks(change) == [
        "GET /stories/{id}/ request body: newly required",
        "POST /stories/ request application/json: media type no longer accepted",
    ]


def test_additive_changes_pass():
    def change(api, schemas, paths):
        paths["/topics/"] = {"get": {"responses": {"200": {"description": ""}}}}
        paths["/stories/{id}/"]["delete"] = {"responses": {"204": {"description": ""}}}
        paths["/stories/"]["get"]["parameters"].append(
            {"in": "query", "name": "location", "schema": {"type": "string"}}
        )
        paths["/stories/"]["get"]["responses"]["400"] = {"description": ""}
        schemas["Story"]["properties"]["media"] = {"type": "array", "items": {"type": "object"}}
        schemas["Story"]["required"].append("rating")
        schemas["StatusEnum"]["enum"].append("withdrawn")
        schemas["OrderEnum"]["enum"].append("rating")
        schemas["SubmissionRequest"]["properties"]["email"] = {"type": "string"}
        schemas["SubmissionRequest"]["required"].remove("body")
        schemas["SubmissionRequest"]["properties"]["rating"]["nullable"] = True
        schemas["ConsentRequest"]["properties"]["version"] = {"type": ["string", "integer"]}
        schemas["Story"]["properties"]["rating"] = {"type": "integer"}

    assert _breaks(change) == []


def test_a_recursive_schema_is_walked_to_its_end():
    def recursive(api):
        api["components"]["schemas"]["Flag"]["properties"]["children"] = {
            "type": "array",
            "items": {"$ref": "#/components/schemas/Flag"},
        }

    old = _api()
    recursive(old)
    new = copy.deepcopy(old)
    new["components"]["schemas"]["Flag"]["properties"].pop("start")
    breaks = [str(found) for found in openapi_breaks.breaking_changes(old, new)]
    assert "GET /stories/{id}/ 200 application/json `flags[].start`: response property removed" in (
        breaks
    )


@pytest.mark.parametrize(
    ("version", "expected"),
    [("1.0.0", "1.0.0"), ("1.4.2", "1.3.0"), ("1.2.9", "1.0.0"), ("2.0.0", None)],
)
def test_the_baseline_is_the_newest_release_of_the_same_major_version(tmp_path, version, expected):
    for name in ("0.9.0", "1.0.0", "1.3.0", "3.0.0"):
        (tmp_path / f"{name}.yaml").write_text(yaml.safe_dump({"info": {"version": name}}))
    baseline = openapi_breaks.baseline_for(version, tmp_path)
    assert (baseline.stem if baseline else None) == expected


def test_the_command_prints_each_break_and_fails(tmp_path, capsys):
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(yaml.safe_dump(_api()))
    changed = _api()
    changed["paths"].pop("/stories/{id}/")
    new.write_text(yaml.safe_dump(changed))
    assert openapi_breaks.main([str(old), str(old)]) == 0
    assert openapi_breaks.main([str(old), str(new)]) == 1
    assert "/stories/{id}/: path removed" in capsys.readouterr().out


def test_the_command_compares_with_the_release_of_the_same_major_version(tmp_path, capsys):
    released = tmp_path / "released"
    released.mkdir()
    (released / "1.0.0.yaml").write_text(yaml.safe_dump(_api()))
    changed = _api()
    changed["paths"].pop("/stories/{id}/")
    changed["info"]["version"] = "1.1.0"
    (tmp_path / "minor.yaml").write_text(yaml.safe_dump(changed))
    changed["info"]["version"] = "2.0.0"
    (tmp_path / "major.yaml").write_text(yaml.safe_dump(changed))
    assert openapi_breaks.main(["--released", str(released), str(tmp_path / "minor.yaml")]) == 1
    assert "/stories/{id}/: path removed" in capsys.readouterr().out
    assert openapi_breaks.main(["--released", str(released), str(tmp_path / "major.yaml")]) == 0


def _committed():
    return openapi_breaks.load(ROOT / "openapi" / "schema.yaml")


def _with_component(api, name, component):
    """`api` with one component replaced, the rest shared (a deep copy of the
    whole schema for each of hundreds of changes would be most of the time)."""
    schemas = {**api["components"]["schemas"], name: component}
    return {**api, "components": {**api["components"], "schemas": schemas}}


def _each_property_removed(api):
    for name, component in api["components"]["schemas"].items():
        for field in component.get("properties", {}):
            properties = dict(component["properties"])
            properties.pop(field)
            yield (
                f"{name}.{field}",
                _with_component(api, name, {**component, "properties": properties}),
            )


def _each_enum_value_removed(api):
    for name, component in api["components"]["schemas"].items():
        for value in component.get("enum", []):
            enum = [other for other in component["enum"] if other != value]
            yield f"{name} {value!r}", _with_component(api, name, {**component, "enum": enum})


def _a_required_property_added_to_each_request(api):
    for name, component in api["components"]["schemas"].items():
        if name.endswith("Request"):
            changed = {
                **component,
                "properties": {**component.get("properties", {}), "added": {"type": "string"}},
                "required": [*component.get("required", []), "added"],
            }
            yield name, _with_component(api, name, changed)


def _a_required_parameter_added_to_each_operation(api):
    added = {"in": "query", "name": "added", "required": True, "schema": {"type": "string"}}
    for path, item in api["paths"].items():
        for method, operation in item.items():
            changed = {**operation, "parameters": [*operation.get("parameters", []), added]}
            paths = {**api["paths"], path: {**item, method: changed}}
            yield f"{method} {path}", {**api, "paths": paths}


def _each_path_removed(api):
    for path in api["paths"]:
        paths = {key: item for key, item in api["paths"].items() if key != path}
        yield path, {**api, "paths": paths}


@pytest.mark.parametrize(
    "breaking",
    [
        _each_property_removed,
        _each_enum_value_removed,
        _a_required_property_added_to_each_request,
        _a_required_parameter_added_to_each_operation,
        _each_path_removed,
    ],
)
def test_every_break_of_the_real_schema_is_found(breaking):
    api = _committed()
    changes = list(breaking(api))
    assert changes
    missed = [
        label for label, changed in changes if not openapi_breaks.breaking_changes(api, changed)
    ]
    assert missed == []


def test_every_optional_property_and_enum_value_added_to_the_real_schema_passes():
    api = _committed()
    changed = copy.deepcopy(api)
    for component in changed["components"]["schemas"].values():
        if "properties" in component:
            component["properties"]["added"] = {"type": "string"}
        if "enum" in component:
            component["enum"].append("added")
    for item in changed["paths"].values():
        for operation in item.values():
            operation.setdefault("parameters", []).append(
                {"in": "query", "name": "added", "schema": {"type": "string"}}
            )
    changed["paths"]["/api/v1/added/"] = {"get": {"responses": {"200": {"description": ""}}}}
    assert openapi_breaks.breaking_changes(api, changed) == []
