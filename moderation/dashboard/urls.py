"""The dashboard under the admin (`/admin/dashboard/`), behind the admin's
sign-in and second factor."""

from django.contrib import admin
from django.urls import path

from moderation.dashboard import views

urlpatterns = [
    path("", admin.site.admin_view(views.dashboard_view), name="locations_dashboard"),
]
