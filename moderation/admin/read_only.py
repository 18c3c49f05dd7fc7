"""An admin for records no one edits (evidence, deliveries): view only."""

from typing import Any, TypeVar

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

_Model = TypeVar("_Model", bound=models.Model)


class ReadOnlyModelAdmin(admin.ModelAdmin[_Model]):
    """Records that are evidence (audit rows, authorizations, deliveries,
    exports): shown in the admin, never added, changed or deleted there."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
