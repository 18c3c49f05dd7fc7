"""What every page of the moderators' admin shares: an error in words, the
review page's address."""

from django.http import HttpRequest
from django.urls import reverse

from moderation.accounts.permissions import MODERATE_PERMISSION
from moderation.accounts.scoped_admin import ScopedAdmin
from testimonials.errors import ApplicationError, FieldErrors
from testimonials.models import Testimonial


def error_text(exc: ApplicationError) -> str:
    """What went wrong, in words: the field errors when there are any."""
    if isinstance(exc, FieldErrors):
        return "; ".join(f"{field}: {' '.join(errors)}" for field, errors in exc.fields.items())
    return exc.message


def review_url(testimonial_pk: int) -> str:
    return reverse("admin:testimonials_testimonial_review", args=[testimonial_pk])


class StoryAdmin(ScopedAdmin[Testimonial]):
    """What the review page and the bulk actions both ask: may this user
    decide? Stories only of the staff member's places."""

    scope_location = "location"

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(MODERATE_PERMISSION)
