"""The site's urls: each app's urls, the admin, health, metrics, the API
schema, the site's icon and, with a webhook secret, the email provider's
delivery events."""

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config import health, metrics


def favicon(request: HttpRequest) -> HttpResponseRedirect:
    # Browsers ask every origin for /favicon.ico; without one each first
    # page logs a 404 in the console, where a real error would hide.
    return HttpResponseRedirect(static("testimonials/favicon.svg"))


urlpatterns = [
    path("", RedirectView.as_view(pattern_name="education-index", permanent=False)),
    # An organisation's locations side by side, for its admins (moderation.dashboard).
    path("admin/dashboard/", include("moderation.dashboard.urls")),
    path("admin/", admin.site.urls),
    # Staff sign-in through the clinic's identity provider; 404 while it is off.
    path("oidc/", include("moderation.accounts.oidc_urls")),
    path("api/v1/", include("testimonials.urls")),
    path("api/v1/moderation/", include("moderation.urls")),
    path("education/", include("testimonials.page_urls")),
    # Patients' photos and video, sanitized, while their story is public.
    path("media/", include("testimonials.media.urls")),
    path("", include("testimonials.patient_page_urls")),
    path("favicon.ico", favicon, name="favicon"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]

# The email provider's delivery events (anymail): mounted only with a
# basic-auth secret, since without one anymail would take anyone's POST.
if settings.ANYMAIL.get("WEBHOOK_SECRET"):
    urlpatterns.append(path("anymail/", include("anymail.urls")))

# Error answers in the API's JSON shape under /api/, pages elsewhere.
handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
