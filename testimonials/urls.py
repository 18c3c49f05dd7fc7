"""The API under /api/v1/: locations, topics, the patient's story and consent, the
published list and its changes feed; visits from a practice system."""

from django.urls import path

from testimonials.consent import apis as consent_apis
from testimonials.honesty import stats_api
from testimonials.places import apis as place_apis
from testimonials.publishing import apis as publishing_apis
from testimonials.publishing import topic_apis
from testimonials.stories import apis as story_apis
from testimonials.visits import apis as visit_apis
from testimonials.visits import fhir_api, inbound_sms_api, sms_status_api

urlpatterns = [
    path("locations/", place_apis.LocationListApi.as_view(), name="location-list"),
    path("topics/", topic_apis.TopicListApi.as_view(), name="topic-list"),
    path("topics/<slug:slug>/", topic_apis.TopicDetailApi.as_view(), name="topic-detail"),
    path("topics/<slug:slug>/stats", stats_api.TopicStatsApi.as_view(), name="topic-stats"),
    path("testimonials/", story_apis.TestimonialSubmitApi.as_view(), name="testimonial-submit"),
    path(
        "testimonials/<uuid:public_id>/<str:secret>/",
        story_apis.TestimonialStatusApi.as_view(),
        name="testimonial-status",
    ),
    path(
        "testimonials/<uuid:public_id>/<str:secret>/withdraw",
        story_apis.TestimonialWithdrawApi.as_view(),
        name="testimonial-withdraw",
    ),
    path(
        "testimonials/<uuid:public_id>/<str:secret>/withdraw-media",
        story_apis.TestimonialWithdrawMediaApi.as_view(),
        name="testimonial-withdraw-media",
    ),
    path(
        "testimonials/<uuid:public_id>/<str:secret>/authorize",
        consent_apis.AuthorizeApi.as_view(),
        name="testimonial-authorize",
    ),
    path(
        "testimonials/<uuid:public_id>/<str:secret>/approve-edit",
        consent_apis.ApproveEditApi.as_view(),
        name="testimonial-approve-edit",
    ),
    path(
        "testimonials/<uuid:public_id>/<str:secret>/narrow",
        consent_apis.NarrowApi.as_view(),
        name="testimonial-narrow",
    ),
    path(
        "testimonials/<uuid:public_id>/<str:secret>/renew",
        consent_apis.RenewApi.as_view(),
        name="testimonial-renew",
    ),
    path("published/", publishing_apis.PublishedListApi.as_view(), name="published-list"),
    path(
        "published/changes", publishing_apis.PublishedChangesApi.as_view(), name="published-changes"
    ),
    path("visits/", visit_apis.VisitCreateApi.as_view(), name="visit-create"),
    path("fhir/Encounter", fhir_api.EncounterCreateApi.as_view(), name="fhir-encounter-create"),
    path("sms/inbound", inbound_sms_api.InboundTextApi.as_view(), name="sms-inbound"),
    path("sms/status/", sms_status_api.SmsStatusApi.as_view(), name="sms-status"),
]
