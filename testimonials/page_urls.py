from django.urls import path

from testimonials import views

urlpatterns = [
    path("", views.education_index, name="education-index"),
    path("<slug:slug>/", views.education_topic, name="education-topic"),
    path("<slug:slug>/feed/", views.education_feed, name="education-feed"),
]
