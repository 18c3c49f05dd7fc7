"""The moderators' workspace in the Django admin, one module per page:
the stories (`testimonials`, with its review page `review` and bulk
actions `bulk`), the audit trail (`audit`), who read which story
(`access`), read-only records (`records`, on the `read_only` base),
moderators' API tokens (`api_tokens`), organisations, clinicians and staff
(`staff`), topics, consent texts and authorizations (`consent`),
typical-results statements, invitations and the transparency report
(`honest`), the widget builder on the topics' list (`widget_builder`),
organisations' branding and defaults (`places`), sites with their keys,
webhooks and deliveries (`sites`),
django-axes' failed sign-ins (`sign_in_records`), the locations with their
import from CSV (`places_import`), the visit feed's integration keys,
visits with their upload from CSV and opt-outs (`visits`), and the
learned screening models (`moderation.screening.learned.admin`).
Importing the package registers them all."""

from django.contrib import admin

from moderation.admin import (
    access,
    api_tokens,
    audit,
    consent,
    honest,
    places,
    places_import,
    records,
    sign_in_records,
    sites,
    staff,
    testimonials,
    visits,
)
from moderation.screening.learned import admin as learned_admin

admin.site.site_header = "Patient stories: moderation"
admin.site.site_title = "Patient stories"
admin.site.index_title = "Moderation workspace"
# The queue needs the width more than the app list does.
admin.site.enable_nav_sidebar = False

__all__ = [
    "access",
    "api_tokens",
    "audit",
    "consent",
    "honest",
    "learned_admin",
    "places",
    "places_import",
    "records",
    "sign_in_records",
    "sites",
    "staff",
    "testimonials",
    "visits",
]
