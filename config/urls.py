from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config import health

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="education-index", permanent=False)),
    path("admin/", admin.site.urls),
    path("api/v1/", include("testimonials.urls")),
    path("api/v1/moderation/", include("moderation.urls")),
    path("education/", include("testimonials.page_urls")),
    path("", include("testimonials.public_urls")),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]
