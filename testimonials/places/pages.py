"""The organisations' stylesheets: their colours as CSS custom properties,
for the public pages (by organisation) and the widget (by topic)."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from testimonials.models import Organisation, Topic
from testimonials.places.branding import organisation_stylesheet


def _stylesheet(css: str, *, max_age: int) -> HttpResponse:
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    patch_cache_control(response, public=True, max_age=max_age)
    return response


@require_GET
def organisation_css(request: HttpRequest, slug: str) -> HttpResponse:
    """The pages link it with the colours' version in the address, so it
    may be cached as long as the widget's script."""
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise Http404("No such organisation.")
    return _stylesheet(organisation_stylesheet(organisation), max_age=settings.WIDGET_CACHE_MAX_AGE)


@require_GET
def topic_css(request: HttpRequest, slug: str) -> HttpResponse:
    """The widget's: it knows its topic, not the topic's organisation. Read
    from any website, like the widget's script; cached like the stories it
    sits next to, since its address does not change with the colours."""
    topic = Topic.objects.select_related("organisation").filter(slug=slug).first()
    if topic is None:
        raise Http404("No such topic.")
    response = _stylesheet(
        organisation_stylesheet(topic.organisation), max_age=settings.PUBLISHED_CACHE_MAX_AGE
    )
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    response["Access-Control-Allow-Origin"] = "*"
    return response
