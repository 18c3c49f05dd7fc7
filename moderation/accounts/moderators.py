"""Creating or updating a moderator account, with a new API token, and
where they work: an organisation, optionally some of its locations, and a
role (`StaffMembership`)."""

import logging
from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.db import transaction

from moderation.accounts import api_tokens, scopes
from moderation.accounts.groups import (
    clinic_admins_group_ensure,
    moderators_group_ensure,
    reviewers_group_ensure,
)
from moderation.models import StaffMembership, StaffRole
from testimonials.errors import FieldErrors
from testimonials.models import Location, Organisation, sole_organisation_id

logger = logging.getLogger(__name__)


def moderator_create(
    *,
    username: str,
    email: str = "",
    password: str | None = None,
    purpose: str = "create_moderator",
    role: str = StaffRole.MODERATOR,
    organisation_slug: str | None = None,
    location_slugs: Sequence[str] = (),
) -> api_tokens.IssuedToken:
    """Create or update a moderator account and issue it a new API token
    (earlier tokens keep working until they expire or are revoked).

    With `location_slugs` or `organisation_slug` (or any role but a
    moderator's) the account is given a membership of that organisation
    (the locations' own when only they are named), limited to the
    locations named, in `role`; it replaces an earlier membership of the
    same organisation. Without them a moderator works for the only
    organisation of a single-clinic installation. Unknown slugs, or
    locations of another organisation, are refused (`FieldErrors`) before
    anything is written."""
    if role not in StaffRole.values:
        raise FieldErrors({"role": [f"Choose one of: {', '.join(StaffRole.values)}."]})
    organisation, locations = _places(organisation_slug, location_slugs, role)
    user_model = get_user_model()
    with transaction.atomic():
        user, created = user_model.objects.get_or_create(
            username=username, defaults={"email": email}
        )
        user.is_staff = True
        user.is_active = True
        if email:
            user.email = email
        if password:
            user.set_password(password)
        elif created:
            user.set_unusable_password()
        user.save()
        if role == StaffRole.REVIEWER:
            user.groups.add(reviewers_group_ensure())
        else:
            user.groups.add(moderators_group_ensure())
        if role == StaffRole.ORGANISATION_ADMIN:
            user.groups.add(clinic_admins_group_ensure())
        if organisation is not None:
            membership, _ = StaffMembership.objects.update_or_create(
                user=user, organisation=organisation, defaults={"role": role}
            )
            membership.locations.set(locations)
        scopes.forget(user)
        issued = api_tokens.token_issue(user=user, name=purpose)
    logger.info("moderator account %s %s", user.pk, "created" if created else "updated")
    return issued


def _places(
    organisation_slug: str | None, location_slugs: Sequence[str], role: str
) -> tuple[Organisation | None, list[Location]]:
    """The organisation and locations named, checked."""
    locations = list(Location.objects.filter(slug__in=set(location_slugs)))
    unknown = sorted(set(location_slugs) - {location.slug for location in locations})
    if unknown:
        raise FieldErrors({"location": [f"No such location: {', '.join(unknown)}."]})
    organisation = None
    if organisation_slug:
        organisation = Organisation.objects.filter(slug=organisation_slug).first()
        if organisation is None:
            raise FieldErrors({"organisation": [f"No such organisation: {organisation_slug}."]})
    owners = {location.organisation_id for location in locations}
    if len(owners) > 1 or (organisation is not None and owners - {organisation.pk}):
        raise FieldErrors({"location": ["Name locations of one organisation only."]})
    if organisation is None and owners:
        organisation = Organisation.objects.get(pk=owners.pop())
    if organisation is None and role != StaffRole.MODERATOR:
        only = sole_organisation_id()
        if only is None:
            raise FieldErrors({"organisation": ["Name the organisation (there are several)."]})
        organisation = Organisation.objects.get(pk=only)
    return organisation, locations
