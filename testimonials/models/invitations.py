"""Invitations: one-use links asking a patient to share a story."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from testimonials.models.delivery import DeliveryTracked
from testimonials.models.places import Clinician, Location
from testimonials.models.topics import Topic


class Invitation(DeliveryTracked):
    """A single-use, expiring invitation to share a story, emailed to one
    patient. The email names neither the treatment nor the reason for the
    visit; everyone invited gets the same text, link and incentive, whatever
    their experience was (no gating)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="invitations")
    email = models.EmailField()
    batch = models.UUIDField(
        default=uuid.uuid4, db_index=True, help_text="Invitations created together share it."
    )
    incentive = models.CharField(
        max_length=200,
        blank=True,
        help_text="Offered to every invitee for sharing a story, whatever it says; published "
        "with the story.",
    )
    # What the link fills in for the patient (an ask after a visit): where
    # they were treated, by whom, and their name to confirm.
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    clinician = models.ForeignKey(
        Clinician, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    patient_name = models.CharField(max_length=120, blank=True)
    # The patient's language, when the topic publishes in it; else the topic's first.
    language = models.CharField(max_length=8, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by_label = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    # The ask funnel's first-party signals (`testimonials.visits.funnel`):
    # when the email's image was first fetched from us, and when the link
    # first opened the share page. First times only: no row per request,
    # no address, no user agent.
    email_opened_at = models.DateTimeField(null=True, blank=True)
    link_opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # testimonials.invitations.services.unsent_invitation_ids (the sweep)
            models.Index(
                fields=["created_at"],
                name="invitation_unsent_idx",
                condition=Q(sent_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation {self.public_id}"
