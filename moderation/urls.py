"""The moderation API's routes (`moderation.apis`)."""

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
    path(
        "testimonials/<uuid:public_id>/unpublish",
        apis.UnpublishApi.as_view(),
        name="moderation-unpublish",
    ),
    path(
        "testimonials/<uuid:public_id>/reopen", apis.ReopenApi.as_view(), name="moderation-reopen"
    ),
    path(
        "testimonials/<uuid:public_id>/edit",
        apis.EditPublishedApi.as_view(),
        name="moderation-edit-published",
    ),
    path(
        "testimonials/<uuid:public_id>/feature",
        apis.FeatureApi.as_view(),
        name="moderation-feature",
    ),
    path(
        "testimonials/<uuid:public_id>/connection",
        apis.ConnectionApi.as_view(),
        name="moderation-connection",
    ),
    path("testimonials/<uuid:public_id>/claim", apis.ClaimApi.as_view(), name="moderation-claim"),
    path("testimonials/<uuid:public_id>/notes", apis.NoteApi.as_view(), name="moderation-notes"),
]
