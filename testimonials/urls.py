from django.urls import path

from testimonials import apis
from testimonials.consent import apis as consent_apis

urlpatterns = [
    path("topics/", apis.TopicListApi.as_view(), name="topic-list"),
    path("topics/<slug:slug>/", apis.TopicDetailApi.as_view(), name="topic-detail"),
    path("topics/<slug:slug>/stats", apis.TopicStatsApi.as_view(), name="topic-stats"),
    path("testimonials/", apis.TestimonialSubmitApi.as_view(), name="testimonial-submit"),
    path(
        "testimonials/<uuid:public_id>/<str:secret>/",
        apis.TestimonialStatusApi.as_view(),
        name="testimonial-status",
    ),
    path(
        "testimonials/<uuid:public_id>/<str:secret>/withdraw",
        apis.TestimonialWithdrawApi.as_view(),
        name="testimonial-withdraw",
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
    path("published/", apis.PublishedListApi.as_view(), name="published-list"),
    path("published/changes", apis.PublishedChangesApi.as_view(), name="published-changes"),
]
