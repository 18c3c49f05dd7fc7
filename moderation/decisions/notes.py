"""Moderators' private notes on an item; never shown to the patient or
the public."""

import uuid

from django.contrib.auth.models import User

from moderation.decisions.services import ANY_STATUS, for_decision
from moderation.models import ModeratorNote
from testimonials.errors import FieldErrors


def moderator_note_add(*, public_id: uuid.UUID, moderator: User, text: str) -> ModeratorNote:
    """A private note on an item, for the other moderators."""
    if not text.strip():
        raise FieldErrors({"text": ["Write something."]})
    testimonial = for_decision(public_id, moderator=moderator, allowed_from=ANY_STATUS)
    return ModeratorNote.objects.create(
        testimonial=testimonial,
        author=moderator,
        author_label=moderator.get_username(),
        text=text.strip(),
    )
