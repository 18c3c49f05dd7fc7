"""The visit feed in the admin: practice systems' integration keys (issue
one, its key shown once on the next page; revoke), the visits received
(read-only, never a patient's email, phone or name), the upload of a day's
visits from a CSV file, and the patients' opt-outs (read-only, never the
hash).

Each list is scoped (`ScopedAdmin`): an organisation admin manages the
keys of the organisations they administer and uploads for its locations; a
moderator sees the visits of their locations; a reviewer reads. Who may do
what is the model permissions of the groups
(`moderation.accounts.groups`)."""

from typing import Any, ClassVar, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path

from moderation.accounts.scoped_admin import ScopedAdmin
from moderation.accounts.scopes import staff_scope
from moderation.admin.common import error_text, uploaded_csv_text
from moderation.admin.read_only import ReadOnlyModelAdmin
from testimonials.errors import FieldErrors
from testimonials.models import IntegrationKey, PatientOptOut, Visit
from testimonials.visits import intake, integration_keys, uploads

UPLOAD_PERMISSION = "testimonials.add_visit"
# `uploads.MAX_ROWS` visits are about 150 kilobytes.
MAX_UPLOAD_BYTES = 512 * 1024

# --- Integration keys ---------------------------------------------------------


class IntegrationKeyForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = IntegrationKey
        fields = ["name", "organisation", "location"]
        help_texts = {"name": "What the key is for, e.g. 'EHR feed, North'."}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        organisation, location = cleaned.get("organisation"), cleaned.get("location")
        if organisation and location and location.organisation_id != organisation.pk:
            self.add_error("location", "This location belongs to another organisation.")
        return cleaned


@admin.register(IntegrationKey)
class IntegrationKeyAdmin(ScopedAdmin[IntegrationKey]):
    """Organisation admins and superusers (the model's permissions); a key
    is never edited or deleted, only revoked, so the list keeps its
    history. Only its prefix is shown, and its key once, when issued."""

    scope_administered = "organisation"
    form = IntegrationKeyForm
    list_display = [
        "name",
        "key_prefix",
        "organisation",
        "location_or_all",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["revoked_at"]
    search_fields = ["name", "key_prefix"]
    list_select_related = ["organisation", "location"]
    actions = ["revoke_keys"]
    shown_fields: ClassVar[list[str]] = [
        "name",
        "key_prefix",
        "organisation",
        "location",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]

    def get_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        return ["name", "organisation", "location"] if obj is None else self.shown_fields

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        return [] if obj is None else self.shown_fields

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="Location", ordering="location__name")
    def location_or_all(self, obj: IntegrationKey) -> str:
        return obj.location.name if obj.location else "every location"

    def save_model(
        self, request: HttpRequest, obj: IntegrationKey, form: Any, change: bool
    ) -> None:
        if change:
            return  # every field is read-only once issued
        try:
            issued = integration_keys.integration_key_create(
                organisation_slug=obj.organisation.slug,
                location_slug=obj.location.slug if obj.location else "",
                name=obj.name,
            )
        except FieldErrors as exc:  # the form checked the same; a race at most
            raise PermissionDenied(error_text(exc)) from exc
        # The admin goes on with `obj` (its log entry): make it the saved row.
        obj.pk = issued.integration_key.pk
        obj.refresh_from_db()
        obj._state.adding = False
        request._issued_integration_key = issued.key  # type: ignore[attr-defined]

    def response_add(
        self, request: HttpRequest, obj: IntegrationKey, post_url_continue: str | None = None
    ) -> HttpResponse:
        key = getattr(request, "_issued_integration_key", None)
        if key is None:
            return super().response_add(request, obj, post_url_continue)
        response = TemplateResponse(
            request,
            "admin/testimonials/integrationkey/key_issued.html",
            {
                **self.admin_site.each_context(request),
                "title": f"{obj.name}: the new integration key",
                "key_obj": obj,
                "key": key,
                "opts": IntegrationKey._meta,
            },
        )
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description="Revoke the selected keys", permissions=["change"])
    def revoke_keys(self, request: HttpRequest, queryset: QuerySet[IntegrationKey]) -> None:
        revoked = 0
        for key in queryset:
            if integration_keys.integration_key_revoke(integration_key=key):
                self.log_change(request, key, "Revoked the integration key.")
                revoked += 1
        self.message_user(request, f"{revoked} revoked.", messages.SUCCESS)


# --- Visits and their upload ---------------------------------------------------


class VisitsUploadForm(forms.Form):
    csv_file = forms.FileField(
        label="CSV file",
        help_text=f"UTF-8, with the columns {', '.join(uploads.COLUMNS)} (see below).",
    )

    def clean_csv_file(self) -> str:
        return uploaded_csv_text(
            self.cleaned_data["csv_file"],
            max_bytes=MAX_UPLOAD_BYTES,
            too_big="The file is over 512 KB: split it.",
        )


@admin.register(Visit)
class VisitAdmin(ScopedAdmin[Visit], ReadOnlyModelAdmin[Visit]):
    """The visits received, of the staff member's locations. Never the
    patient's email, phone or name: whether there was one is enough to see
    that a visit can be asked about."""

    scope_location = "location"
    change_list_template = "admin/testimonials/visit/change_list.html"
    list_display = [
        "completed_at",
        "location",
        "clinician",
        "status",
        "ask_status",
        "contacts",
        "external_id",
    ]
    # Not by location: the filter would list every organisation's.
    list_filter = ["status", "ask__status"]
    search_fields = ["external_id", "public_id"]
    list_select_related = ["location", "clinician", "ask"]
    date_hierarchy = "completed_at"
    fields = readonly_fields = (
        "public_id",
        "external_id",
        "completed_at",
        "received_at",
        "location",
        "clinician",
        "status",
        "ask_status",
        "contacts",
        "language",
        "consent_to_text",
        "sent_with",
    )

    @admin.display(description="Ask", ordering="ask__status")
    def ask_status(self, obj: Visit) -> str:
        try:
            return obj.ask.get_status_display()
        except ObjectDoesNotExist:
            return "—"

    @admin.display(description="Contacts")
    def contacts(self, obj: Visit) -> str:
        given = [name for name, value in (("email", obj.email), ("phone", obj.phone)) if value]
        return " / ".join(f"{name} ✓" for name in given) or "—"

    @admin.display(description="Sent with")
    def sent_with(self, obj: Visit) -> str:
        return str(obj.integration_key) if obj.integration_key else "an upload or an erased key"

    def get_urls(self) -> list[URLPattern]:
        page = path(
            "upload/",
            self.admin_site.admin_view(self.upload_view),
            name="testimonials_visit_upload",
        )
        return [page, *super().get_urls()]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra_context = {**(extra_context or {}), "may_upload": _may_upload(request)}
        return super().changelist_view(request, extra_context)

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        if not _may_upload(request):
            raise PermissionDenied
        scope = staff_scope(request.user)
        form = VisitsUploadForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            sender = intake.VisitSender(
                may_name=lambda location: scope.allows_location(location.pk)
            )
            try:
                report = uploads.visits_file_record(
                    text=form.cleaned_data["csv_file"], sender=sender
                )
            except uploads.VisitsFileError as exc:
                form.add_error("csv_file", str(exc))
            else:
                _upload_summary(request, report)
        context = {
            **self.admin_site.each_context(request),
            "opts": Visit._meta,
            "title": "Upload a day's visits",
            "form": form,
            "report": report,
            "columns": uploads.COLUMNS,
            "max_rows": uploads.MAX_ROWS,
        }
        return TemplateResponse(request, "admin/testimonials/visit/upload.html", context)


def _may_upload(request: HttpRequest) -> bool:
    return bool(request.user.has_perm(UPLOAD_PERMISSION) and not staff_scope(request.user).is_empty)


def _upload_summary(request: HttpRequest, report: uploads.UploadReport) -> None:
    if not report.stored:
        messages.error(
            request,
            f"Nothing was stored: {len(report.errors)} problem(s) in the file, listed below. "
            "Correct them and upload the whole file again.",
        )
        return
    counts = f"{report.new} new, {report.known} already known"
    messages.success(request, f"Stored the file's {report.rows} visits: {counts}.")
    # The audit: who sent how many, never whom.
    LogEntry.objects.create(
        user_id=cast(int, request.user.pk),  # admin_view: signed in
        content_type=ContentType.objects.get_for_model(Visit),
        object_id=None,
        object_repr="Visits from a CSV file",
        action_flag=ADDITION,
        change_message=f"Uploaded {report.rows} visits from a CSV file: {counts}.",
    )


# --- Opt-outs -------------------------------------------------------------------


@admin.register(PatientOptOut)
class PatientOptOutAdmin(ScopedAdmin[PatientOptOut], ReadOnlyModelAdmin[PatientOptOut]):
    """Patients who asked not to be asked again: when and how, never who
    (the contact's hash is not shown: it would let anyone holding an
    address check whether its owner opted out)."""

    scope_organisation = "organisation"
    list_display = ["created_at", "organisation", "source"]
    list_filter = ["source"]
    list_select_related = ["organisation"]
    fields = readonly_fields = ("organisation", "source", "created_at")
