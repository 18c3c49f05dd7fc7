"""The dashboard under the admin (`/admin/dashboard/`), behind the admin's
sign-in and second factor, and its ask funnel (`/admin/dashboard/asks/`)."""

from django.contrib import admin
from django.urls import path

from moderation.dashboard import asks, views

urlpatterns = [
    path("", admin.site.admin_view(views.dashboard_view), name="locations_dashboard"),
    path("asks/", admin.site.admin_view(asks.asks_funnel_view), name="asks_funnel"),
]
