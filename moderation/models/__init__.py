"""Moderation's tables, one module per capability, re-exported here so that
`moderation.models.X` (and Django's app registry) find every model."""

from moderation.models.access import AccessSurface, AppendOnlyError, StoryAccess
from moderation.models.api_tokens import ApiToken, TokenEnd
from moderation.models.intake import DuplicateKey
from moderation.models.notifications import ModeratorDigest, NotificationKind, PatientNotification
from moderation.models.passwords import PasswordSet
from moderation.models.review import ModeratorNote, ReviewClaim
from moderation.models.screening_models import ScreeningModel
from moderation.models.staff import StaffMembership, StaffRole

__all__ = [
    "AccessSurface",
    "ApiToken",
    "AppendOnlyError",
    "DuplicateKey",
    "ModeratorDigest",
    "ModeratorNote",
    "NotificationKind",
    "PasswordSet",
    "PatientNotification",
    "ReviewClaim",
    "ScreeningModel",
    "StaffMembership",
    "StaffRole",
    "StoryAccess",
    "TokenEnd",
]
