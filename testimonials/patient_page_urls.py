"""The patient's pages at the site's root: sharing a story, the private story
and consent pages behind its secret link, invitations and unsubscribing; the
widget script and the organisations' stylesheets."""

from django.urls import path

from testimonials.consent import pages as consent_pages
from testimonials.invitations import invitation_page, opens
from testimonials.places import pages as place_pages
from testimonials.publishing import widget
from testimonials.stories import share_page, story_pages
from testimonials.visits import unsubscribe_page

urlpatterns = [
    path("share/<slug:slug>/", share_page.share, name="share"),
    path("stories/<uuid:public_id>/<str:secret>/", story_pages.patient_story, name="patient-story"),
    path(
        "stories/<uuid:public_id>/<str:secret>/withdraw",
        story_pages.patient_story_withdraw,
        name="patient-story-withdraw",
    ),
    path(
        "stories/<uuid:public_id>/<str:secret>/withdraw-media",
        story_pages.patient_story_withdraw_media,
        name="patient-story-withdraw-media",
    ),
    path(
        "stories/<uuid:public_id>/<str:secret>/approve",
        consent_pages.patient_story_approve,
        name="patient-story-approve",
    ),
    path(
        "stories/<uuid:public_id>/<str:secret>/narrow",
        consent_pages.patient_story_narrow,
        name="patient-story-narrow",
    ),
    path(
        "stories/<uuid:public_id>/<str:secret>/authorize",
        consent_pages.patient_story_authorize,
        name="patient-story-authorize",
    ),
    path(
        "stories/<uuid:public_id>/<str:secret>/renew",
        consent_pages.patient_story_renew,
        name="patient-story-renew",
    ),
    path("widget.js", widget.widget_js, name="widget-js"),
    # An organisation's colours, for its pages and (by topic) the widget.
    path("brand/<slug:slug>.css", place_pages.organisation_css, name="organisation-stylesheet"),
    path("brand/topics/<slug:slug>.css", place_pages.topic_css, name="topic-stylesheet"),
    path("invite/<str:token>/", invitation_page.invitation, name="invitation"),
    # The invitation email's first-party image (the ask funnel's "opened").
    path("i/<str:token>/o.png", opens.open_pixel, name="invitation-open-pixel"),
    path("unsubscribe/<str:token>/", unsubscribe_page.unsubscribe, name="unsubscribe"),
]
