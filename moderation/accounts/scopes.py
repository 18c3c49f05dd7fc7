"""Which places a staff member may see and act on: the one rule every
moderation selector, admin list, export and count filters through.

- A superuser administers the installation: every organisation.
- Anyone else sees the organisations they are a member of: all of an
  organisation's locations as its admin, or the locations their membership
  names (every location when it names none).
- A staff member with no membership, in an installation that holds exactly
  one organisation, works for that organisation: a single-clinic
  installation needs no memberships. Once a second organisation exists,
  such accounts see nothing until they are given a membership.
"""

import contextlib
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from moderation.accounts.permissions import (
    CLINIC_ADMINS_GROUP,
    MODERATE_PERMISSION,
    REVIEWERS_GROUP,
)
from moderation.models import StaffMembership, StaffRole
from testimonials.models import Location, Organisation, sole_organisation_id

ModelT = TypeVar("ModelT", bound=Model)

_CACHE_ATTRIBUTE = "_staff_scope"


@dataclass(frozen=True)
class StaffScope:
    everywhere: bool
    organisation_ids: frozenset[int]
    location_ids: frozenset[int]
    admin_of: frozenset[int]
    reviewer_only: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.everywhere and not self.location_ids and not self.organisation_ids

    def allows_location(self, location_id: int | None) -> bool:
        return self.everywhere or location_id in self.location_ids

    def allows_organisation(self, organisation_id: int | None) -> bool:
        return self.everywhere or organisation_id in self.organisation_ids

    def administers(self, organisation_id: int | None) -> bool:
        return self.everywhere or organisation_id in self.admin_of

    def filter(self, queryset: QuerySet[ModelT], *, location: str) -> QuerySet[ModelT]:
        """`queryset` narrowed to rows whose `location` path (e.g.
        "location" or "testimonial__location") is in scope."""
        if self.everywhere:
            return queryset
        return queryset.filter(**{f"{location}__in": sorted(self.location_ids)})

    def filter_organisation(
        self, queryset: QuerySet[ModelT], *, organisation: str
    ) -> QuerySet[ModelT]:
        if self.everywhere:
            return queryset
        return queryset.filter(**{f"{organisation}__in": sorted(self.organisation_ids)})

    def staff_q(self, prefix: str = "") -> Q:
        """Staff accounts an organisation admin in this scope manages: members
        of the organisations they administer, and in a single-organisation
        installation the accounts without a membership (who work for it)."""
        if self.everywhere:
            return Q()
        managed = Q(**{f"{prefix}memberships__organisation__in": sorted(self.admin_of)})
        if self.admin_of and _single_organisation() in self.admin_of:
            managed |= Q(**{f"{prefix}memberships__isnull": True})
        return managed

    def topics_q(self, prefix: str = "") -> Q:
        """Topics in scope: shared by an organisation in scope, or belonging
        to a location in scope."""
        if self.everywhere:
            return Q()
        return Q(
            **{
                f"{prefix}organisation__in": sorted(self.organisation_ids),
                f"{prefix}location__isnull": True,
            }
        ) | Q(**{f"{prefix}location__in": sorted(self.location_ids)})


NOTHING = StaffScope(
    everywhere=False, organisation_ids=frozenset(), location_ids=frozenset(), admin_of=frozenset()
)
EVERYWHERE = StaffScope(
    everywhere=True, organisation_ids=frozenset(), location_ids=frozenset(), admin_of=frozenset()
)


def _single_organisation() -> int | None:
    first_two = list(Organisation.objects.order_by("pk").values_list("pk", flat=True)[:2])
    return first_two[0] if len(first_two) == 1 else None


def staff_scope(user: Any) -> StaffScope:
    """The places `user` may see; computed once per user object (a request)."""
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if isinstance(cached, StaffScope):
        return cached
    scope = _compute(user)
    with contextlib.suppress(AttributeError):  # AnonymousUser and the like
        setattr(user, _CACHE_ATTRIBUTE, scope)
    return scope


def reads_redacted(user: Any) -> bool:
    """A read-only reviewer: shown stories without personal data (no email,
    no author's name, the redacted text where screening found personal
    data) and given no decision. Reviewer memberships only, or the
    Reviewers group; a superuser never."""
    if not (user and user.is_authenticated) or user.is_superuser:
        return False
    return staff_scope(user).reviewer_only or user.groups.filter(name=REVIEWERS_GROUP).exists()


class IsModeratorOrReviewer(BasePermission):
    """Reading the queue and a story: moderators, and read-only reviewers
    (who are shown it without personal data)."""

    message = "Only moderators and reviewers may do this."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return bool(user.has_perm(MODERATE_PERMISSION) or (user.is_staff and reads_redacted(user)))


def forget(user: Any) -> None:
    """Drop the cached scope after a membership of `user` changed."""
    if hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)


def _compute(user: Any) -> StaffScope:
    if not (user and user.is_authenticated and user.is_active and user.is_staff):
        return NOTHING
    if user.is_superuser:
        return EVERYWHERE
    memberships = list(
        StaffMembership.objects.filter(user=user).prefetch_related("locations").order_by("pk")
    )
    if not memberships:
        # A new installation's organisation is made on first need (from
        # CLINIC_NAME), as for its first topic: its staff manage it at once.
        only = sole_organisation_id()
        if only is None:
            return NOTHING
        locations = Location.objects.filter(organisation_id=only).values_list("pk", flat=True)
        is_admin = user.groups.filter(name=CLINIC_ADMINS_GROUP).exists()
        return StaffScope(
            everywhere=False,
            organisation_ids=frozenset({only}),
            location_ids=frozenset(locations),
            admin_of=frozenset({only} if is_admin else ()),
        )
    organisation_ids: set[int] = set()
    location_ids: set[int] = set()
    admin_of: set[int] = set()
    roles: set[str] = set()
    for membership in memberships:
        organisation_ids.add(membership.organisation_id)
        roles.add(membership.role)
        named = [location.pk for location in membership.locations.all()]
        if membership.role == StaffRole.ORGANISATION_ADMIN:
            admin_of.add(membership.organisation_id)
            named = []
        if named:
            location_ids.update(named)
        else:
            location_ids.update(
                Location.objects.filter(organisation_id=membership.organisation_id).values_list(
                    "pk", flat=True
                )
            )
    return StaffScope(
        everywhere=False,
        organisation_ids=frozenset(organisation_ids),
        location_ids=frozenset(location_ids),
        admin_of=frozenset(admin_of),
        reviewer_only=roles == {StaffRole.REVIEWER},
    )
