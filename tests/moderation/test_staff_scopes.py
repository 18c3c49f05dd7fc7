"""Which places a staff member sees (moderation.accounts.scopes)."""

import pytest
from django.contrib.auth.models import Group

from moderation.accounts.scopes import staff_scope
from moderation.models import StaffMembership, StaffRole
from testimonials.models import Location, Organisation, Testimonial
from tests.factories import TestimonialFactory, TopicFactory, UserFactory


@pytest.fixture
def places(db):
    brand = Organisation.objects.create(slug="move-well", name="Move Well PT")
    north = Location.objects.create(organisation=brand, slug="north", name="North")
    south = Location.objects.create(organisation=brand, slug="south", name="South")
    return brand, north, south


def stories_seen(user) -> set[str]:
    scope = staff_scope(user)
    return set(
        scope.filter(Testimonial.objects.all(), location="location").values_list(
            "location__slug", flat=True
        )
    )


def staff(**fields):
    return UserFactory(is_staff=True, **fields)


def test_a_location_moderator_sees_only_their_locations(places):
    brand, north, south = places
    topic = TopicFactory(organisation=brand)
    TestimonialFactory(topic=topic, location=north)
    TestimonialFactory(topic=topic, location=south)
    user = staff()
    membership = StaffMembership.objects.create(user=user, organisation=brand)
    membership.locations.add(north)

    assert stories_seen(user) == {"north"}
    assert not staff_scope(user).administers(brand.pk)


def test_an_organisation_admin_sees_every_location_of_theirs_only(places):
    brand, north, south = places
    other = Organisation.objects.create(slug="smile", name="Smile Dental")
    downtown = Location.objects.create(organisation=other, slug="downtown", name="Downtown")
    TestimonialFactory(topic=TopicFactory(organisation=brand), location=north)
    TestimonialFactory(topic=TopicFactory(slug="teeth", organisation=other), location=downtown)
    user = staff()
    membership = StaffMembership.objects.create(
        user=user, organisation=brand, role=StaffRole.ORGANISATION_ADMIN
    )
    membership.locations.add(north)  # ignored for an admin

    assert stories_seen(user) == {"north"}
    scope = staff_scope(user)
    assert scope.allows_location(south.pk)
    assert not scope.allows_location(downtown.pk)
    assert scope.administers(brand.pk)
    assert not scope.administers(other.pk)


def test_staff_without_a_membership_work_for_the_only_organisation(db):
    story = TestimonialFactory()
    user = staff()
    user.groups.add(Group.objects.get_or_create(name="Clinic admins")[0])

    assert stories_seen(user) == {story.location.slug}
    assert staff_scope(user).administers(story.location.organisation_id)


def test_staff_without_a_membership_see_nothing_once_there_are_two_organisations(db):
    TestimonialFactory()
    Organisation.objects.create(slug="second", name="Second brand")

    assert stories_seen(staff()) == set()


def test_superusers_see_every_organisation_and_inactive_or_non_staff_nothing(places):
    brand, north, _ = places
    TestimonialFactory(topic=TopicFactory(organisation=brand), location=north)

    assert stories_seen(staff(is_superuser=True)) == {"north"}
    assert stories_seen(UserFactory(is_staff=False)) == set()
    inactive = staff(is_active=False)
    StaffMembership.objects.create(user=inactive, organisation=brand)
    assert stories_seen(inactive) == set()
