"""Patients' pages and the widget, at the site's root."""

from django.urls import path

from testimonials import views

urlpatterns = [
    path("share/<slug:slug>/", views.share, name="share"),
    path("stories/<uuid:public_id>/<str:secret>/", views.patient_story, name="patient-story"),
    path(
        "stories/<uuid:public_id>/<str:secret>/withdraw",
        views.patient_story_withdraw,
        name="patient-story-withdraw",
    ),
    path("widget.js", views.widget_js, name="widget-js"),
    path("invite/<str:token>/", views.invitation, name="invitation"),
]
