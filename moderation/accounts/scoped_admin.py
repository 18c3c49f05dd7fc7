"""The admin's lists and change pages narrowed to the signed-in staff
member's places (`scopes.staff_scope`): a row of another organisation or
location is absent from the list, from its filters and counts, and its
change page says it does not exist, as for a row that never did."""

from typing import Any, TypeVar

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from moderation.accounts.scopes import StaffScope, staff_scope
from testimonials.models import Location, Organisation, Topic

_Model = TypeVar("_Model", bound=models.Model)


def scoped_rows(
    queryset: QuerySet[_Model],
    scope: StaffScope,
    *,
    location: str | None = None,
    organisation: str | None = None,
    topic: str | None = None,
    staff: str | None = None,
    administered: str | None = None,
) -> QuerySet[_Model]:
    """`queryset` narrowed by whichever path it is given: to a Location, an
    Organisation (of the scope, or `administered` by it), a Topic (`topic`
    is its prefix, "" for topics themselves) or a staff User (`staff`, its
    prefix)."""
    if scope.everywhere:
        return queryset
    if location is not None:
        queryset = scope.filter(queryset, location=location)
    if organisation is not None:
        queryset = scope.filter_organisation(queryset, organisation=organisation)
    if topic is not None:
        queryset = queryset.filter(scope.topics_q(topic))
    if administered is not None:
        queryset = queryset.filter(**{f"{administered}__in": sorted(scope.admin_of)})
    if staff is not None:
        queryset = queryset.filter(scope.staff_q(staff))
    return queryset.distinct() if staff is not None else queryset


class ScopedAdmin(admin.ModelAdmin[_Model]):
    """Set one of the `scope_*` paths (see `scoped_rows`)."""

    scope_location: str | None = None
    scope_organisation: str | None = None
    scope_topic: str | None = None
    scope_staff: str | None = None
    scope_administered: str | None = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[_Model]:
        return scoped_rows(
            super().get_queryset(request),
            staff_scope(request.user),
            location=self.scope_location,
            organisation=self.scope_organisation,
            topic=self.scope_topic,
            staff=self.scope_staff,
            administered=self.scope_administered,
        )

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        """Choices of places and topics only from the staff member's own."""
        choices = place_choices(db_field.related_model, staff_scope(request.user))
        if choices is not None:
            kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        choices = place_choices(db_field.related_model, staff_scope(request.user))
        if choices is not None:
            kwargs["queryset"] = choices
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def place_choices(model: Any, scope: StaffScope) -> QuerySet[Any] | None:
    """The organisations, locations or topics a form may offer this staff
    member: the places they administer (no one grants themselves another
    organisation), the topics of their places; None for any other model."""
    if model is Organisation:
        return (
            Organisation.objects.all()
            if scope.everywhere
            else (Organisation.objects.filter(pk__in=sorted(scope.admin_of)))
        )
    if model is Location:
        return (
            Location.objects.all()
            if scope.everywhere
            else (Location.objects.filter(organisation__in=sorted(scope.admin_of)))
        )
    if model is Topic:
        return Topic.objects.filter(scope.topics_q())
    return None


class TopicFilter(admin.SimpleListFilter):
    """A list's filter by topic (of rows with a `topic`), offering the
    topics of the staff member's places only."""

    title = "topic"
    parameter_name = "topic"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        topics = Topic.objects.filter(staff_scope(request.user).topics_q()).order_by("title")
        return [(topic.slug, topic.title) for topic in topics]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not self.value():
            return queryset
        return queryset.filter(topic__slug=self.value())
