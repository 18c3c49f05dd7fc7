"""Who may moderate and who may export: the permission, the group names,
the API permission class and the checks the admin uses."""

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

MODERATE_PERMISSION = "testimonials.moderate_testimonial"
MODERATORS_GROUP = "Moderators"
CLINIC_ADMINS_GROUP = "Clinic admins"
# Read-only compliance reviewers: view permissions only, and no personal data
# (`moderation.accounts.scopes.reads_redacted`).
REVIEWERS_GROUP = "Reviewers"


class IsModerator(BasePermission):
    message = "Only moderators may do this."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm(MODERATE_PERMISSION))


def moderator_of(request: HttpRequest | Request) -> User:
    """The signed-in moderator making this request."""
    user = request.user
    if not isinstance(user, User) or not user.has_perm(MODERATE_PERMISSION):
        raise PermissionDenied("Only moderators may do this.")
    return user


def can_export(user: Any) -> bool:
    """Exports of stories hold personal data: superusers, clinic admins and
    organisation admins only (each export holds the stories of their places)."""
    from moderation.models import StaffMembership, StaffRole

    if not (user and user.is_authenticated and user.is_active and user.is_staff):
        return False
    return bool(
        user.is_superuser
        or user.groups.filter(name=CLINIC_ADMINS_GROUP).exists()
        or StaffMembership.objects.filter(user=user, role=StaffRole.ORGANISATION_ADMIN).exists()
    )
