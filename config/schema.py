"""The OpenAPI schema documents the errors every operation can answer, in
the one JSON shape `config.exceptions` and `config.errors` give them, so
that clients (and tests/security/test_api_fuzz.py) find no answer outside
the schema."""

from typing import Any

ERROR = {
    "type": "object",
    "description": "An error: what went wrong in words, and a stable code.",
    "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
    "required": ["detail", "code"],
    "additionalProperties": True,
}
FIELD_ERRORS = {
    "type": "object",
    "description": "Invalid input: each field with its messages (a list field's or a nested "
    "field's messages are keyed by position or name).",
    "additionalProperties": {
        "anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "object"}]
    },
}
REASONS = {
    "400": "Invalid input (field errors) or a request that cannot be parsed.",
    "401": "No credentials, or credentials (a token, a site's API key, an integration key) "
    "that are not valid.",
    "403": "Signed in, but not allowed to do this (or a site's key from another origin).",
    "404": "No such item (or not yours to see).",
    "406": "No representation matches the Accept header.",
    "409": "The item's status does not allow this, or it changed meanwhile.",
    "413": "The request body is too large (REQUEST_MAX_BYTES).",
    "415": "The request body is not JSON.",
    "422": "The Idempotency-Key was used for a different submission.",
    "429": "Too many requests; Retry-After says when to try again.",
    "503": "The database is briefly unavailable; Retry-After says when to try again.",
}
RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}}


def _errors_for(path: str, method: str, operation: dict[str, Any]) -> list[str]:
    codes = ["406", "503"]
    has_body = method in ("post", "put", "patch")
    if has_body:
        codes += ["400", "413", "415"]
    if path.startswith("/api/v1/published"):
        codes.append("400")  # a filter, `limit` or cursor that is not valid
    if "{" in path or path == "/api/v1/published/":
        codes.append("404")  # an unknown id or topic, or a cursor that is not ours
    if path.startswith("/api/v1/moderation/"):
        codes += ["401", "403"]
        if has_body and "{public_id}/" in path and not path.endswith(("/claim", "/notes")):
            codes.append("409")  # a decision the story's status does not allow
    if path.startswith("/api/v1/published"):
        codes += ["401", "403"]  # a site's API key that is unknown, or from another origin
    if path.startswith("/api/v1/testimonials/{public_id}/{secret}/") and has_body:
        codes.append("409")  # the patient's action does not fit the story's status
    if path == "/api/v1/testimonials/" and method == "post":
        codes += ["422", "429"]
    if path in ("/api/v1/visits/", "/api/v1/fhir/Encounter"):
        codes.append("401")  # no integration key, or one that is not valid
    if path == "/api/v1/sms/inbound":
        # The provider's token is wrong, or Twilio's signature; replies are off.
        codes += ["401", "403", "404"]
    if path == "/api/v1/sms/status/":
        codes += ["403", "404"]  # Twilio's signature is wrong; receipts are off
    return codes


def document_errors(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR
    schemas["FieldErrors"] = FIELD_ERRORS
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code in _errors_for(path, method, operation):
                if code in operation["responses"]:
                    continue
                if code == "400":
                    schema: dict[str, Any] = {
                        "anyOf": [
                            {"$ref": "#/components/schemas/FieldErrors"},
                            {"$ref": "#/components/schemas/Error"},
                        ]
                    }
                else:
                    schema = {"$ref": "#/components/schemas/Error"}
                response: dict[str, Any] = {
                    "description": REASONS[code],
                    "content": {"application/json": {"schema": schema}},
                }
                if code in ("429", "503"):
                    response["headers"] = RETRY_AFTER
                operation["responses"][code] = response
    return result
