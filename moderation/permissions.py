from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

MODERATE_PERMISSION = "testimonials.moderate_testimonial"
MODERATORS_GROUP = "Moderators"


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
