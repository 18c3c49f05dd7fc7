"""Patients' pages and the widget, at the site's root."""

from django.urls import path

from testimonials import views
from testimonials.consent import pages as consent_views

urlpatterns = [
    path("share/<slug:slug>/", views.share, name="share"),
    path("stories/<uuid:public_id>/<str:secret>/", views.patient_story, name="patient-story"),
    path(
        "stories/<uuid:public_id>/<str:secret>/withdraw",
        views.patient_story_withdraw,
        name="patient-story-withdraw",
    ),
    path(
        "stories/<uuid:public_id>/<str:secret>/approve",
        consent_views.patient_story_approve,
        name="patient-story-approve",
    ),
    path(
        "stories/<uuid:public_id>/<str:secret>/narrow",
        consent_views.patient_story_narrow,
        name="patient-story-narrow",
    ),
    path(
        "stories/<uuid:public_id>/<str:secret>/authorize",
        consent_views.patient_story_authorize,
        name="patient-story-authorize",
    ),
    path(
        "stories/<uuid:public_id>/<str:secret>/renew",
        consent_views.patient_story_renew,
        name="patient-story-renew",
    ),
    path("widget.js", views.widget_js, name="widget-js"),
    path("invite/<str:token>/", views.invitation, name="invitation"),
]
