"""The dashboard's admin page: which organisation, how many weeks; the
figures come from `selectors`."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from moderation.accounts.scopes import StaffScope, staff_scope
from moderation.dashboard import selectors
from testimonials.models import Organisation

WEEK_CHOICES = (4, 8, 13, 26, 52)


def organisation_chosen(
    request: HttpRequest, scope: StaffScope
) -> tuple[Organisation, list[Organisation]]:
    """The organisation `?organisation=` names among those the staff member
    administers (the first by default), and all of them. None administered:
    403; another organisation's slug: 404, as an unknown one is."""
    organisations = selectors.administered_organisations(scope)
    if not organisations:
        raise PermissionDenied
    slug = request.GET.get("organisation")
    if not slug:
        return organisations[0], organisations
    chosen = [candidate for candidate in organisations if candidate.slug == slug]
    if not chosen:
        raise Http404
    return chosen[0], organisations


def weeks_asked(request: HttpRequest, *, default: int, most: int) -> int:
    """`?weeks=`, kept between 1 and `most`; `default` when absent or not a number."""
    weeks = request.GET.get("weeks", "")
    return min(max(int(weeks) if weeks.isdigit() else default, 1), most)


def dashboard_view(request: HttpRequest) -> HttpResponse:
    """An organisation's locations side by side: for its admins (their own
    organisations only) and superusers."""
    organisation, organisations = organisation_chosen(request, staff_scope(request.user))
    weeks_shown = weeks_asked(request, default=selectors.DEFAULT_WEEKS, most=selectors.MAX_WEEKS)
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
