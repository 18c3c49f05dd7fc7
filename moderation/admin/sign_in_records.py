"""django-axes' record of failed sign-ins in the admin, with its one action
working: "Clean up expired attempts" reads the request's attempt time,
which axes sets only on a sign-in request, so from the admin's list it
failed with a 500."""

from typing import Any

from axes import admin as axes_admin
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class AccessAttemptAdmin(axes_admin.AccessAttemptAdmin):  # type: ignore[misc]
    actions = ["cleanup_expired_attempts"]

    @admin.action(description="Clean up expired attempts")
    def cleanup_expired_attempts(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        AxesProxyHandler.update_request(request)
        super().cleanup_expired_attempts(request, queryset)
