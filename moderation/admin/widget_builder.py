"""The widget builder: a staff member picks one of the topics of their
scope, a layout, a theme and optionally one of their locations or
clinicians, sees the widget live (the real `/widget.js` from our origin,
reading the public API), and copies the snippet for their website.

The page is a GET form that works without JavaScript;
`moderation/widget_builder.js` refreshes the preview and the snippet as the
choices change (it reads this same page) and copies the snippet."""

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.validators import RegexValidator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from moderation.accounts.scopes import StaffScope, staff_scope
from testimonials.models import Clinician, Location, Topic
from testimonials.publishing.widget import HEX_COLOUR, LAYOUTS, THEMES, widget_snippet

LAYOUT_NAMES = {
    "list": "List",
    "grid": "Grid",
    "carousel": "Carousel (one story at a time)",
    "wall": "Wall (masonry)",
    "quote": "Quote (one story, another on each page view)",
}
THEME_NAMES = {"light": "Light", "dark": "Dark", "auto": "As the reader's device (auto)"}
DEFAULTS = {"layout": "list", "theme": "light", "limit": "5"}


def scope_topics(scope: StaffScope) -> QuerySet[Topic]:
    return Topic.objects.filter(scope.topics_q()).order_by("title")


class WidgetBuilderForm(forms.Form):
    topic = forms.ModelChoiceField(queryset=Topic.objects.none(), to_field_name="slug")
    layout = forms.ChoiceField(choices=[(name, LAYOUT_NAMES[name]) for name in LAYOUTS])
    theme = forms.ChoiceField(choices=[(name, THEME_NAMES[name]) for name in THEMES])
    location = forms.ModelChoiceField(
        queryset=Location.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label="Every location",
        help_text="Only the stories of patients treated there.",
    )
    clinician = forms.ModelChoiceField(
        queryset=Clinician.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label="Every clinician",
        help_text="Only the stories about them.",
    )
    limit = forms.IntegerField(label="Stories", min_value=1, max_value=20)
    accent = forms.CharField(
        label="Accent colour",
        required=False,
        max_length=7,
        validators=[RegexValidator(HEX_COLOUR, "Six hex digits after #, such as #0b5cad.")],
        help_text="Optional: links and buttons, as --ts-accent on your page (#0b5cad).",
    )

    def __init__(self, *args: Any, scope: StaffScope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        places = scope.filter(Location.objects.filter(publishes=True), location="pk")
        self._choices("topic", scope_topics(scope))
        self._choices("location", places.order_by("name"))
        clinicians = Clinician.objects.filter(is_active=True, locations__in=places)
        self._choices("clinician", clinicians.distinct().order_by("name"))

    def _choices(self, name: str, queryset: Any) -> None:
        cast(forms.ModelChoiceField, self.fields[name]).queryset = queryset  # type: ignore[type-arg]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        topic, location, clinician = data.get("topic"), data.get("location"), data.get("clinician")
        if topic and location and location.organisation_id != topic.organisation_id:
            self.add_error("location", "This location is not of the topic's organisation.")
        if topic and clinician and clinician.organisation_id != topic.organisation_id:
            self.add_error("clinician", "This clinician is not of the topic's organisation.")
        return data


def widget_builder_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("testimonials.view_topic"):
        raise PermissionDenied
    scope = staff_scope(request.user)
    data = request.GET.copy()
    for name, value in DEFAULTS.items():
        data.setdefault(name, value)
    form = WidgetBuilderForm(data, scope=scope)
    if not data.get("topic"):
        first = scope_topics(scope).first()
        data["topic"] = first.slug if first else ""
        form = WidgetBuilderForm(data, scope=scope)
    snippet, preview = "", []
    if form.is_valid():
        choices = form.cleaned_data
        options: dict[str, Any] = {
            "topic": choices["topic"].slug,
            "layout": choices["layout"],
            "theme": choices["theme"],
            "location": choices["location"].slug if choices["location"] else "",
            "clinician": choices["clinician"].slug if choices["clinician"] else "",
            "limit": choices["limit"],
        }
        snippet = widget_snippet(
            base_url=settings.PUBLIC_BASE_URL, accent=choices["accent"], **options
        )
        preview = [(f"data-{name}", str(value)) for name, value in options.items() if value]
    context = {
        **admin.site.each_context(request),
        "opts": Topic._meta,
        "title": "Widget builder",
        "form": form,
        "snippet": snippet,
        "preview": preview,
        "accent": form.cleaned_data.get("accent", "") if form.is_valid() else "",
    }
    return TemplateResponse(request, "admin/moderation/widget_builder.html", context)
