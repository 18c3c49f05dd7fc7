"""The baselines' two addresses, the same paths as the service's."""

from django.urls import path

from bench_baselines.views import BareCreateApi, bare_view

urlpatterns = [
    path("api/v1/published/", bare_view),
    path("api/v1/testimonials/", BareCreateApi.as_view()),
]
