"""/oidc/: mozilla-django-oidc's views, with our sign-out in place of its own
(which would lead to LOGOUT_REDIRECT_URL, a setting that also changes the
admin's sign-out)."""

from django.urls import path
from mozilla_django_oidc import urls as library_urls

from moderation.accounts.identity_provider import StaffOIDCLogoutView

urlpatterns = [
    path("logout/", StaffOIDCLogoutView.as_view(), name="oidc_logout"),
    *(route for route in library_urls.urlpatterns if route.name != "oidc_logout"),
]
