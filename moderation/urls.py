from django.urls import path

from moderation import apis

urlpatterns = [
    path("queue/", apis.QueueApi.as_view(), name="moderation-queue"),
    path("testimonials/<uuid:public_id>/", apis.DetailApi.as_view(), name="moderation-detail"),
    path(
        "testimonials/<uuid:public_id>/approve",
        apis.ApproveApi.as_view(),
        name="moderation-approve",
    ),
    path(
        "testimonials/<uuid:public_id>/reject", apis.RejectApi.as_view(), name="moderation-reject"
    ),
]
