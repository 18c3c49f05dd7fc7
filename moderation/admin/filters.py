"""The review queue's filters: by status (opening on the queue) and by
kind of screening flag."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from testimonials.models import Status, Testimonial

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
