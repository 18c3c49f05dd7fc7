"""The application's one error type; `config.exceptions` renders it."""

from typing import Any


class ApplicationError(Exception):
    """A business rule refused the action; `status_code` is its HTTP answer."""

    status_code = 400
    code = "invalid"

    def __init__(self, message: str, *, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class NotFound(ApplicationError):
    status_code = 404
    code = "not_found"


class Conflict(ApplicationError):
    """The item is not in a state that allows the action (RFC 9110, 409)."""

    status_code = 409
    code = "conflict"


class InvalidTransition(Conflict):
    code = "invalid_transition"


class AuthorizationRequired(Conflict):
    """No authorization from the patient is in effect: nothing is published."""

    code = "authorization_required"


class StaleVersion(Conflict):
    """The caller decided on a version of the item that is no longer current."""

    code = "stale_version"


class IdempotencyKeyReused(ApplicationError):
    status_code = 422
    code = "idempotency_key_reused"


class FieldErrors(ApplicationError):
    """Input that breaks a business rule, reported per field like DRF does."""

    status_code = 400
    code = "invalid"

    def __init__(self, fields: dict[str, list[str]]) -> None:
        super().__init__("Some fields are invalid.")
        self.fields = fields
