"""Visits from a practice system, and the ask that follows each: the keys a
practice system sends them with, the visits, the asks they become and the
patients who asked not to be asked again.

A patient is known here by a hash of their normalised email or phone, per
organisation (`testimonials.visits.contacts`): enough to ask them at most
once in a while and never after they opted out, without a list of
addresses to keep."""

import uuid

from django.db import models
from django.db.models import Q

from testimonials.models.invitations import Invitation
from testimonials.models.places import Clinician, Location, Organisation


class IntegrationKey(models.Model):
    """A practice system's key for `POST /api/v1/visits/`, and for nothing
    else. Scoped to an organisation, or to one of its locations; only its
    hash is stored (`config.security.secret_digest`)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="integration_keys"
    )
    location = models.ForeignKey(
        Location,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="integration_keys",
        help_text="Empty: every location of the organisation.",
    )
    name = models.CharField(max_length=120)
    key_prefix = models.CharField(max_length=12, help_text="Its first characters, to recognise it.")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation__name", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"


class VisitStatus(models.TextChoices):
    """What became of a visit: an ask is on its way, or the patient is not
    asked again (asked within `INVITATION_MIN_DAYS_BETWEEN` days, or opted
    out). No status depends on how the visit went."""

    SCHEDULED = "scheduled", "Ask scheduled"
    RECENTLY_ASKED = "recently_asked", "Asked recently"
    OPTED_OUT = "opted_out", "Opted out"


class Visit(models.Model):
    """A completed visit, as the practice system sent it. One per
    (organisation, external_id): a resend finds it and changes nothing."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="visits")
    clinician = models.ForeignKey(
        Clinician, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    integration_key = models.ForeignKey(
        IntegrationKey, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    external_id = models.CharField(max_length=200)
    completed_at = models.DateTimeField()
    email = models.EmailField(blank=True)
    # E.164, e.g. +14155550123.
    phone = models.CharField(max_length=16, blank=True)
    patient_name = models.CharField(max_length=120, blank=True)
    language = models.CharField(max_length=8, blank=True)
    consent_to_text = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=VisitStatus.choices)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "external_id"], name="visit_external_id_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"Visit {self.public_id}"


class AskStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    # Its invitation was made and handed to the outbox.
    INVITED = "invited", "Invited"
    # The patient opted out between the visit and the ask's time.
    OPTED_OUT = "opted_out", "Opted out"
    # No email, and no way to text (no phone, or no consent to text): no
    # channel to ask by.
    UNREACHABLE = "unreachable", "No channel to ask by"
    # No topic is open for stories at its location: nothing to invite to.
    HELD = "held", "Held: no open topic"


class Ask(models.Model):
    """The one ask a visit may become, sent at `due_at` by the periodic
    task (`testimonials.visits.asks.asks_send_due`) as an invitation."""

    visit = models.OneToOneField(Visit, on_delete=models.CASCADE, related_name="ask")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    # The patient's contact hashes (`testimonials.visits.contacts`): the cap
    # and the opt-outs find them by these.
    email_hash = models.CharField(max_length=64, blank=True)
    phone_hash = models.CharField(max_length=64, blank=True)
    due_at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=AskStatus.choices, default=AskStatus.SCHEDULED)
    invitation = models.OneToOneField(
        Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="ask"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # When its one reminder went out (`testimonials.visits.reminders`).
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["due_at"], name="ask_due_idx", condition=Q(status="scheduled")),
            models.Index(fields=["organisation", "email_hash"], name="ask_email_idx"),
            models.Index(fields=["organisation", "phone_hash"], name="ask_phone_idx"),
        ]

    def __str__(self) -> str:
        return f"Ask for {self.visit}"


class AskText(models.Model):
    """The text an ask sends a patient who gave a phone and consent to be
    texted: an outbox row like the emails' (written with the ask's
    invitation, sent once by a task, re-sent by the sweep)."""

    ask = models.OneToOneField(Ask, on_delete=models.CASCADE, related_name="text")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    provider_message_id = models.CharField(max_length=255, blank=True)
    # Filled from the provider's delivery receipts (status callbacks).
    delivered_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    provider_status = models.CharField(max_length=20, blank=True)
    error_code = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Text for {self.ask}"


class OptOutSource(models.TextChoices):
    LINK = "link", "Unsubscribe link"
    SMS = "sms", "SMS reply"
    STAFF = "staff", "Staff"


class PatientOptOut(models.Model):
    """A patient who asked not to be asked again by this organisation,
    known only by the hash of the email or phone they asked from."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    contact_hash = models.CharField(max_length=64)
    source = models.CharField(max_length=10, choices=OptOutSource.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "contact_hash"], name="opt_out_unique"),
        ]

    def __str__(self) -> str:
        return f"Opt-out {self.pk}"
