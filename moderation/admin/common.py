"""What every page of the moderators' admin shares: an error in words, the
review page's address, an uploaded CSV file read as text."""

from django import forms
from django.core.files.uploadedfile import UploadedFile
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


def uploaded_csv_text(upload: UploadedFile[bytes], *, max_bytes: int, too_big: str) -> str:
    """An uploaded CSV file as text (UTF-8, a byte-order mark dropped), or
    the form error a person can act on."""
    if (upload.size or 0) > max_bytes:
        raise forms.ValidationError(too_big)
    try:
        return str(upload.read().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise forms.ValidationError("The file is not UTF-8 text.") from exc
