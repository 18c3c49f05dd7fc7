"""The ask funnel's admin page (`/admin/dashboard/asks/`): for each location
of an organisation, week by week, how many asks were sent and how many were
delivered, opened, clicked, answered with a story, opted out of or bounced,
with the rates that matter; and the same rows as CSV (`?download=csv`).

The same audience and choice of organisation as the locations dashboard
(its admins, and superusers), narrowed again by the staff scope; the
figures come from `testimonials.visits.funnel`, counts only."""

import csv
import io

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from moderation.accounts.scopes import staff_scope
from moderation.dashboard import views
from testimonials.models import Location
from testimonials.portability.exports import csv_safe
from testimonials.visits import funnel

CSV_HEADER = [
    "location",
    "location_name",
    "week",
    "week_start",
    *funnel.STAGES,
    "clicked_percent",
    "submitted_percent",
]


def asks_funnel_view(request: HttpRequest) -> HttpResponse:
    """One organisation's funnel: its admins (their own organisations
    only) and superusers. Another organisation's slug is a 404, as an
    unknown one is."""
    scope = staff_scope(request.user)
    organisation, organisations = views.organisation_chosen(request, scope)
    weeks_shown = views.weeks_asked(request, default=funnel.DEFAULT_WEEKS, most=funnel.MAX_WEEKS)
    locations = scope.filter(Location.objects.filter(organisation=organisation), location="pk")
    rows = funnel.ask_funnel(locations=locations, weeks=weeks_shown)
    if request.GET.get("download") == "csv":
        return _csv_response(organisation.slug, rows)
    by_location: dict[int, list[funnel.FunnelRow]] = {}
    for row in rows:
        by_location.setdefault(row.location.pk, []).append(row)
    context = {
        **admin.site.each_context(request),
        "title": f"{organisation.name}: asks funnel",
        "organisation": organisation,
        "organisations": organisations,
        "places": [(group[0].location, group) for group in by_location.values()],
        "week_choices": views.WEEK_CHOICES,
        "weeks_shown": weeks_shown,
    }
    return TemplateResponse(request, "admin/moderation/asks_funnel.html", context)


def _csv_response(organisation_slug: str, rows: list[funnel.FunnelRow]) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for row in rows:
        writer.writerow(
            [
                csv_safe(row.location.slug),
                csv_safe(row.location.name),
                row.week_label,
                row.week.isoformat(),
                *row.counts().values(),
                "" if row.clicked_rate is None else row.clicked_rate,
                "" if row.submitted_rate is None else row.submitted_rate,
            ]
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="asks-funnel-{organisation_slug}.csv"'
    return response
