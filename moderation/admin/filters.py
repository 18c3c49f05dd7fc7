"""The review queue's filters: by status (opening on the queue), by kind
of screening flag, and by location among the staff member's own (an
organisation-wide queue narrowed to one location); by topic,
`scoped_admin.TopicFilter`."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from moderation.accounts.scopes import staff_scope
from testimonials.models import Location, Status, Testimonial

FLAG_KINDS = [
    ("pii", "Personal data"),
    ("profanity", "Profanity"),
    ("abuse", "Abuse"),
    ("spam", "Spam"),
    ("medical_claim", "Medical claim"),
    ("duplicate", "Duplicate"),
    ("language", "Language"),
    ("unscreened", "Not screened in its language"),
    ("screening_failed", "Screening failed"),
]


class QueueStatusFilter(admin.SimpleListFilter):
    """Opens on the review queue; every other status is one click away."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [*((s.value, s.label) for s in Status), ("all", "All")]

    def choices(self, changelist: Any) -> Any:
        current = self.value() or Status.PENDING_REVIEW
        for value, label in self.lookup_choices:
            yield {
                "selected": current == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[Testimonial]
    ) -> QuerySet[Testimonial]:
        value = self.value() or Status.PENDING_REVIEW
        if value == "all":
            return queryset
        return queryset.filter(status=value)


class FlagKindFilter(admin.SimpleListFilter):
    title = "flag"
    parameter_name = "flag"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return FLAG_KINDS

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[Testimonial]
    ) -> QuerySet[Testimonial]:
        if not self.value():
            return queryset
        return queryset.filter(flag_kinds__contains=f",{self.value()},")


class LocationFilter(admin.SimpleListFilter):
    """The locations the staff member works at; shown when there are several."""

    title = "location"
    parameter_name = "location"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        locations = staff_scope(request.user).filter(Location.objects.all(), location="pk")
        found = [(location.slug, location.name) for location in locations.order_by("name")]
        return found if len(found) > 1 else []

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[Testimonial]
    ) -> QuerySet[Testimonial]:
        if not self.value():
            return queryset
        return queryset.filter(location__slug=self.value())
