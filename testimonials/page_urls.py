"""The public education pages under /education/."""

from django.urls import path

from testimonials.publishing import education_pages

urlpatterns = [
    path("", education_pages.education_index, name="education-index"),
    path("<slug:slug>/", education_pages.education_topic, name="education-topic"),
    path("<slug:slug>/feed/", education_pages.education_feed, name="education-feed"),
]
