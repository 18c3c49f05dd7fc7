"""The dashboard's admin page: which organisation, how many weeks; the
figures come from `selectors`."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from moderation.accounts.scopes import staff_scope
from moderation.dashboard import selectors

WEEK_CHOICES = (4, 8, 13, 26, 52)


def dashboard_view(request: HttpRequest) -> HttpResponse:
    """An organisation's locations side by side: for its admins (their own
    organisations only) and superusers. Another organisation's slug is a 404,
    as an unknown one is."""
    organisations = selectors.administered_organisations(staff_scope(request.user))
    if not organisations:
        raise PermissionDenied
    organisation = organisations[0]
    slug = request.GET.get("organisation")
    if slug:
        chosen = [candidate for candidate in organisations if candidate.slug == slug]
        if not chosen:
            raise Http404
        organisation = chosen[0]
    weeks = request.GET.get("weeks", "")
    weeks_shown = int(weeks) if weeks.isdigit() else selectors.DEFAULT_WEEKS
    weeks_shown = min(max(weeks_shown, 1), selectors.MAX_WEEKS)
    dashboard = selectors.organisation_dashboard(organisation=organisation, weeks=weeks_shown)
    context = {
        **admin.site.each_context(request),
        "title": f"{organisation.name}: locations dashboard",
        "dashboard": dashboard,
        "organisations": organisations,
        "week_choices": WEEK_CHOICES,
        "weeks_shown": weeks_shown,
    }
    return TemplateResponse(request, "admin/moderation/dashboard.html", context)
