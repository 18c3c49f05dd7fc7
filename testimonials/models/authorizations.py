"""A patient's authorization to publish a story, the notices about it and
the requests to sign one."""

import uuid
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from testimonials.models.consent_texts import ConsentText
from testimonials.models.delivery import DeliveryTracked
from testimonials.models.stories import Channel, DisplayPreference, Testimonial


class AuthorizationBasis(models.TextChoices):
    """Why an authorization row exists: the patient signed or approved it,
    or it covers a moderator's redaction of what the patient signed."""

    SIGNED = "signed", _("Signed by the patient with the story")
    LEGACY = "legacy", _("Consent given before authorizations were recorded")
    REDACTION = "redaction", _("A moderator's redaction of the authorized text")
    PATIENT_APPROVAL = "patient_approval", _("The patient approved an edited text")
    NARROWED = "narrowed", _("The patient narrowed it")
    RENEWED = "renewed", _("The patient renewed it")
    IMPORTED = "imported", _("Consent recorded by another tool, imported")
    REQUESTED = "requested", _("Signed by the patient when asked, after an import")


class SignerRole(models.TextChoices):
    PATIENT = "patient", _("The patient")
    PARENT = "parent", _("A parent of the patient")
    LEGAL_GUARDIAN = "legal_guardian", _("The patient's legal guardian")


class SignatureMethod(models.TextChoices):
    TYPED = "typed", "Typed their name as a signature"
    NAME_AND_CHECKBOX = "name_and_checkbox", "Gave their name and ticked the consent box"
    NONE = "none", "No signature recorded"


class Revocation(models.TextChoices):
    WITHDRAWN = "withdrawn", "Withdrawn by the patient"
    ERASED = "erased", "The patient's data was erased"


CHANNEL_FIELDS = {
    Channel.CLINIC: "for_clinic",
    Channel.PARTNERS: "for_partners",
    Channel.WIDGET: "for_widget",
}


class Authorization(models.Model):
    """A patient's authorization to publish one story, with the elements of
    45 CFR 164.508(c): what is disclosed (`content_sha256` of the exact text
    and name shown, and `text` itself while the story exists), by whom and
    for what purpose (`consent_text`, a version that is never edited), to
    whom (the channels), until when (`expires_at`), the signature and its
    time, and the required statements (`consent_text`).

    The story's current authorization is its one row with no
    `superseded_at`; a redaction, an approved edit, a narrowing or a renewal
    adds a row that supersedes it. A row is otherwise never edited, except
    to end it (`revoked_at`) and, when the story is erased, to clear `text`
    and `display_name`. Kept until `retain_until`, six years after it was
    last in effect (164.530(j)), even after the story is erased.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    testimonial = models.ForeignKey(
        Testimonial,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="authorizations",
    )
    testimonial_public_id = models.UUIDField(help_text="Kept if the story's row ever goes.")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    basis = models.CharField(max_length=20, choices=AuthorizationBasis.choices)
    consent_text = models.ForeignKey(ConsentText, on_delete=models.PROTECT, related_name="+")

    content_sha256 = models.CharField(
        max_length=64, help_text="SHA-256 of the exact text and name that may be published."
    )
    text = models.TextField(blank=True, help_text="The text authorized; cleared on erasure.")
    display_name = models.CharField(
        max_length=120, blank=True, help_text="The name shown with it; cleared on erasure."
    )
    display_preference = models.CharField(max_length=20, choices=DisplayPreference.choices)
    for_clinic = models.BooleanField(verbose_name="the clinic's own pages")
    for_partners = models.BooleanField(verbose_name="partner websites")
    for_widget = models.BooleanField(verbose_name="the widget")
    expires_at = models.DateTimeField()
    media = models.CharField(
        max_length=40,
        blank=True,
        help_text="The media it covers besides the text, comma-separated kinds "
        "(photo, video, audio); blank: the text only.",
    )

    signature = models.CharField(max_length=120, blank=True)
    signature_method = models.CharField(max_length=20, choices=SignatureMethod.choices)
    signer_role = models.CharField(max_length=20, choices=SignerRole.choices)
    patient_is_adult = models.BooleanField(
        null=True, blank=True, help_text="The age question's answer; empty when not asked."
    )
    signed_at = models.DateTimeField()

    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.CharField(
        max_length=150, help_text="'patient', a moderator's username or 'system:…'."
    )
    superseded_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation = models.CharField(max_length=20, choices=Revocation.choices, blank=True)
    reconfirm_requested_at = models.DateTimeField(null=True, blank=True)
    retain_until = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["testimonial"],
                condition=Q(superseded_at__isnull=True),
                name="authorization_one_current_per_story",
            ),
            models.CheckConstraint(
                condition=Q(for_clinic=True) | Q(for_partners=True) | Q(for_widget=True),
                name="authorization_some_channel",
            ),
            models.CheckConstraint(
                condition=Q(basis__in=AuthorizationBasis.values), name="authorization_basis_valid"
            ),
            models.CheckConstraint(
                condition=Q(signer_role__in=SignerRole.values),
                name="authorization_signer_role_valid",
            ),
            models.CheckConstraint(
                condition=~Q(patient_is_adult=False) | ~Q(signer_role=SignerRole.PATIENT),
                name="authorization_minor_signed_by_representative",
            ),
            models.CheckConstraint(
                condition=Q(signature_method=SignatureMethod.NONE) | ~Q(signature=""),
                name="authorization_signature_present",
            ),
        ]
        indexes = [
            # testimonials.consent.authorization_expiry.authorizations_expire / _reconfirm_due
            models.Index(
                fields=["expires_at"],
                name="authorization_in_effect_idx",
                condition=Q(superseded_at__isnull=True, revoked_at__isnull=True),
            ),
            # testimonials.consent.authorization_expiry.authorizations_purge
            models.Index(fields=["retain_until"], name="authorization_retention_idx"),
        ]

    def __str__(self) -> str:
        return f"Authorization {self.public_id}"

    @property
    def channels(self) -> list[str]:
        return [channel for channel, field in CHANNEL_FIELDS.items() if getattr(self, field)]

    def covers(self, channel: str) -> bool:
        return bool(getattr(self, CHANNEL_FIELDS[Channel(channel)]))

    @property
    def media_kinds(self) -> list[str]:
        return [kind for kind in self.media.split(",") if kind]

    def is_in_effect(self, at: Any = None) -> bool:
        """Not superseded, not revoked, not expired."""
        at = at or timezone.now()
        return self.superseded_at is None and self.revoked_at is None and self.expires_at > at


class NoticeKind(models.TextChoices):
    COPY = "copy", "A copy of the authorization"
    APPROVE_EDIT = "approve_edit", "An edited text awaits the patient's approval"
    RECONFIRM = "reconfirm", "The authorization expires soon"
    EXPIRED = "expired", "The authorization expired"


class ConsentNotice(DeliveryTracked):
    """One email to a patient about their authorization: the outbox row,
    written in the change's transaction and sent after commit; the sweep
    resends what a lost message left behind. Holds no address: it is read
    from the story when sending, so an erased story gets nothing."""

    authorization = models.ForeignKey(
        Authorization, on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(max_length=20, choices=NoticeKind.choices)
    testimonial_version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["authorization", "kind", "testimonial_version"],
                name="consent_notice_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} notice for {self.authorization_id}"


class AuthorizationRequest(DeliveryTracked):
    """The email asking the patient of an imported story, which came without
    consent, to authorize it on their private page: the outbox row, written
    when a moderator approves the story and sent after commit; the consent
    notices' sweep resends what a lost message left behind. Holds no
    address: it is read from the story when sending."""

    testimonial = models.OneToOneField(
        Testimonial, on_delete=models.CASCADE, related_name="authorization_request"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Authorization request for {self.testimonial_id}"
