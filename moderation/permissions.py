from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

MODERATE_PERMISSION = "testimonials.moderate_testimonial"
MODERATORS_GROUP = "Moderators"


class IsModerator(BasePermission):
    message = "Only moderators may do this."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm(MODERATE_PERMISSION))
