"""Locations and clinicians from a CSV file, uploaded on the admin's list of
locations: the same service as `manage.py import_places`
(`testimonials.places.services.places_import`), for the organisations the
signed-in admin administers (a superuser: every one).

`PlacesImportMixin` adds the page to a Location admin; `LocationAdmin` here
is a small one (the list of the administered organisations' locations) that
carries it."""

from typing import Any, ClassVar, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path

from moderation.accounts.scoped_admin import ScopedAdmin
from moderation.accounts.scopes import staff_scope
from moderation.admin.common import uploaded_csv_text
from moderation.admin.places import OVERRIDES
from moderation.dashboard.selectors import administered_organisations
from testimonials.models import Location, Organisation
from testimonials.places import services as places

# A file of thousands of places is a few hundred kilobytes.
MAX_UPLOAD_BYTES = 2 * 1024 * 1024


class PlacesImportForm(forms.Form):
    csv_file = forms.FileField(
        label="CSV file",
        help_text=f"UTF-8, with the columns {', '.join(places.COLUMNS)} (see below).",
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        help_text="For the rows whose organisation column is empty.",
    )
    commit = forms.BooleanField(
        required=False,
        label="Write the good lines",
        help_text="Unticked: a dry run that only reports each line and writes nothing.",
    )

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["organisation"])  # type: ignore[type-arg]
        field.queryset = Organisation.objects.filter(
            pk__in=[organisation.pk for organisation in organisations]
        ).order_by("name")
        if len(organisations) == 1:
            del self.fields["organisation"]

    def clean_csv_file(self) -> str:
        return uploaded_csv_text(
            self.cleaned_data["csv_file"],
            max_bytes=MAX_UPLOAD_BYTES,
            too_big="The file is over 2 MB.",
        )


class PlacesImportMixin:
    """The import page at `import/` under the admin's Location list."""

    change_list_template: ClassVar[Any] = "admin/testimonials/location/change_list.html"
    admin_site: admin.AdminSite

    def get_urls(self) -> list[URLPattern]:
        page = path(
            "import/",
            self.admin_site.admin_view(self.import_view),
            name="testimonials_location_import",
        )
        return [page, *super().get_urls()]  # type: ignore[misc]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        organisations = administered_organisations(staff_scope(request.user))
        if not organisations:
            raise PermissionDenied
        form = PlacesImportForm(
            request.POST or None, request.FILES or None, organisations=organisations
        )
        report = None
        if request.method == "POST" and form.is_valid():
            try:
                report = places.places_import(
                    text=form.cleaned_data["csv_file"],
                    organisations=organisations,
                    default_organisation=form.cleaned_data.get("organisation"),
                    commit=form.cleaned_data["commit"],
                )
            except places.PlacesFileError as exc:
                form.add_error("csv_file", str(exc))
            else:
                _summary(request, report)
        context = {
            **self.admin_site.each_context(request),
            "opts": Location._meta,
            "title": "Import locations and clinicians",
            "form": form,
            "report": report,
            "columns": places.COLUMNS,
        }
        return TemplateResponse(request, "admin/testimonials/location/import.html", context)


def _summary(request: HttpRequest, report: places.PlacesReport) -> None:
    counts = (
        f"{report.count(places.CREATE)} to create, {report.count(places.UPDATE)} to update, "
        f"{report.count(places.UNCHANGED)} unchanged, {len(report.refused)} refused"
    )
    if report.committed:
        messages.success(request, f"Imported: {counts.replace('to ', '')}.")
    else:
        messages.info(request, f"Dry run, nothing was written: {counts}.")
    if report.refused:
        messages.warning(request, "Refused lines are left out; see why below.")


@admin.register(Location)
class LocationAdmin(PlacesImportMixin, ScopedAdmin[Location]):
    """The administered organisations' locations; the organisation offered
    on the form is one the signed-in admin administers (`ScopedAdmin`)."""

    list_display = ["name", "slug", "organisation", "publishes"]
    list_filter = ["publishes"]
    search_fields = ["name", "slug"]
    list_select_related = ["organisation"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["organisation", "name", "slug", "publishes"]}),
        ("Texts to its patients", {"fields": ["sms_sender"]}),
        (
            "Where the law of this location's state differs",
            {
                "fields": list(OVERRIDES),
                "description": "Empty: the organisation's value, else the installation's.",
            },
        ),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Location]:
        scope = staff_scope(request.user)
        return scope.filter(super().get_queryset(request), location="pk")
