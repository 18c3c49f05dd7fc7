"""Recording who read which patient's story (`StoryAccess`), and the log's
CSV export.

Every surface that shows a story's personal data calls one of the
`*_record` functions before it answers, so a read that could not be
recorded is not served:

- one story (the review page, the moderation API's answer with the whole
  item, the evidence ZIP): one row naming the story;
- a list (the API's queue, the admin's queue): one row per story shown, so
  "who saw this patient's story" is one filter, whichever surface it was;
- an export of stories: one row naming the export and how many it held
  (the stories themselves are the export's, `DataExport`);
- an export of this log: one row too.

A row holds ids, the surface and the request id; never a story's text, a
name or an email address.
"""

import csv
from collections.abc import Iterable, Iterator
from typing import Any
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db.models import Max, Q, QuerySet

from config import log
from moderation.accounts.scopes import StaffScope
from moderation.models import AccessSurface, StoryAccess
from testimonials.models import Testimonial
from testimonials.portability.exports import csv_safe

CSV_COLUMNS = [
    "accessed_at",
    "moderator",
    "surface",
    "story",
    "story_count",
    "export",
    "request_id",
]


def _who(user: AbstractBaseUser | AnonymousUser) -> dict[str, Any]:
    if not user.is_authenticated:
        raise ValueError("Only a signed-in user reads stories.")
    return {
        "moderator": user,
        "moderator_label": user.get_username(),
        "request_id": log.request_id.get() or "",
    }


def story_access_record(
    *,
    moderator: AbstractBaseUser | AnonymousUser,
    surface: AccessSurface,
    testimonial_public_id: UUID,
) -> StoryAccess:
    """Records that `moderator` was shown one story's personal data."""
    return StoryAccess.objects.create(
        **_who(moderator), surface=surface, testimonial_public_id=testimonial_public_id
    )


def stories_access_record(
    *,
    moderator: AbstractBaseUser | AnonymousUser,
    surface: AccessSurface,
    testimonial_public_ids: Iterable[UUID],
) -> int:
    """Records a list of stories shown: one row per story, in one INSERT.
    Returns how many rows."""
    who = _who(moderator)
    rows = [
        StoryAccess(**who, surface=surface, testimonial_public_id=public_id)
        for public_id in testimonial_public_ids
    ]
    return len(StoryAccess.objects.bulk_create(rows))


def export_access_record(
    *,
    moderator: AbstractBaseUser | AnonymousUser,
    surface: AccessSurface,
    export: str,
    count: int,
) -> StoryAccess:
    """Records an export of `count` rows (`export` names its scope and format)."""
    return StoryAccess.objects.create(
        **_who(moderator), surface=surface, export=export, story_count=count
    )


def accesses_in_scope(accesses: QuerySet[StoryAccess], scope: StaffScope) -> QuerySet[StoryAccess]:
    """The rows an organisation admin may read: reads of their places'
    stories, and the exports their own staff made."""
    if scope.everywhere:
        return accesses
    stories = scope.filter(Testimonial.objects.all(), location="location")
    staff = User.objects.filter(scope.staff_q()).values("pk")
    return accesses.filter(
        Q(testimonial_public_id__in=stories.values("public_id"))
        | Q(testimonial_public_id__isnull=True, moderator__in=staff)
    )


def access_log_rows(accesses: QuerySet[StoryAccess]) -> Iterator[list[str]]:
    """The CSV's lines, its header first; each cell safe to open in a spreadsheet."""
    yield CSV_COLUMNS
    for access in accesses.order_by("accessed_at", "id").iterator(chunk_size=2000):
        yield [
            csv_safe(value)
            for value in (
                access.accessed_at.isoformat(),
                access.moderator_label,
                access.surface,
                access.testimonial_public_id or "",
                access.story_count,
                access.export,
                access.request_id,
            )
        ]


class _Line:
    def write(self, value: str) -> str:
        return value


def access_log_export(
    *, accesses: QuerySet[StoryAccess], moderator: AbstractBaseUser | AnonymousUser
) -> Iterator[str]:
    """Records the export of `accesses` (with how many rows), then returns
    its CSV lines to stream: the export is on record before a line leaves."""
    # The rows as they are now: not this export's own row, nor later ones.
    last = StoryAccess.objects.aggregate(last=Max("id"))["last"] or 0
    accesses = accesses.filter(id__lte=last)
    export_access_record(
        moderator=moderator,
        surface=AccessSurface.ACCESS_LOG_EXPORT,
        export="csv",
        count=accesses.count(),
    )
    writer = csv.writer(_Line())
    return (writer.writerow(line) for line in access_log_rows(accesses))
