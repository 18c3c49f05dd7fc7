"""The story (`Testimonial`), its status and the audit trail of its changes."""

import uuid
from typing import Any, cast

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from testimonials.models.consent_texts import ConsentText
from testimonials.models.places import Clinician, Location, sole_location
from testimonials.models.topics import Topic


class Status(models.TextChoices):
    SUBMITTED = "submitted"
    SCREENING = "screening"
    PENDING_REVIEW = "pending_review"
    PUBLISHED = "published"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    UNPUBLISHED = "unpublished"


class DisplayPreference(models.TextChoices):
    FULL_NAME = "full_name", _("Full name")
    FIRST_NAME_INITIAL = "first_name_initial", _("First name and initial")
    INITIALS = "initials", _("Initials")
    ANONYMOUS = "anonymous", _("Anonymous")


# From the most to the least identifying: a patient may narrow to a later one.
DISPLAY_ORDER: list[str] = [
    DisplayPreference.FULL_NAME,
    DisplayPreference.FIRST_NAME_INITIAL,
    DisplayPreference.INITIALS,
    DisplayPreference.ANONYMOUS,
]


class Channel(models.TextChoices):
    """Where a story may appear; the patient authorizes each one."""

    CLINIC = "clinic", _("The clinic's own pages")
    PARTNERS = "partners", _("Partner websites")
    WIDGET = "widget", _("The widget on other websites")


def channels_key(channels: Any) -> str:
    """',clinic,widget,': a set of channels, for filtering on every database."""
    return "," + ",".join(sorted(str(channel) for channel in channels)) + ","


ALL_CHANNELS_KEY = channels_key(Channel.values)


class RejectionReason(models.TextChoices):
    """Content-based reasons only: nothing is rejected for sentiment or rating."""

    PERSONAL_DATA = "personal_data", _("Contains personal data that cannot be redacted")
    PROFANITY_ABUSE = "profanity_abuse", _("Profanity or abuse")
    SPAM = "spam", _("Spam or advertising")
    OFF_TOPIC = "off_topic", _("Not about the treatment or the clinic")
    DUPLICATE = "duplicate", _("Duplicate of an earlier story")
    NO_CONSENT = "no_consent", _("No valid consent")
    MEDICAL_CLAIM = (
        "medical_claim",
        _("A health claim that cannot be published (a cure, a guarantee)"),
    )
    OTHER = "other", _("Other (see note)")


class MaterialConnection(models.TextChoices):
    """A tie to the clinic a reader would want to know about (16 CFR 255.5,
    465.5). Blank on a story means the patient was not asked."""

    NONE = "none", "No connection"
    EMPLOYEE = "employee", "Works for the clinic"
    STAFF_FAMILY = "staff_family", "Family of clinic staff"
    DISCOUNT = "discount", "Received a discount"
    GIFT = "gift", "Received a gift or payment"
    OTHER = "other", "Other connection"


class Testimonial(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="testimonials")
    location = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        related_name="testimonials",
        help_text="Where the patient was treated; it decides who moderates the story and "
        "which location's pages may show it.",
    )
    clinician = models.ForeignKey(
        Clinician,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="testimonials",
        help_text="The clinician the story is about, chosen from a list; empty when none.",
    )

    author_name = models.CharField(max_length=120)
    display_preference = models.CharField(
        max_length=20,
        choices=DisplayPreference.choices,
        default=DisplayPreference.FIRST_NAME_INITIAL,
    )
    public_name = models.CharField(
        max_length=120,
        blank=True,
        help_text="The name as shown, which the patient's authorization covers with the text.",
    )
    email = models.EmailField(blank=True)
    body = models.TextField(help_text="What the patient wrote, never changed.")
    rating = models.PositiveSmallIntegerField(null=True, blank=True)

    consent_to_publish = models.BooleanField(
        help_text="Always true for stories submitted here; false for an imported story whose "
        "tool recorded no consent, until the patient authorizes it."
    )
    consent_text = models.ForeignKey(ConsentText, on_delete=models.PROTECT, related_name="+")
    consented_at = models.DateTimeField(null=True, blank=True)

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    status_changed_at = models.DateTimeField()
    version = models.PositiveIntegerField(
        default=1, help_text="Bumped by every change; a decision names the version it saw."
    )

    screening_flags = models.JSONField(default=list, blank=True)
    language = models.CharField(
        max_length=8,
        blank=True,
        help_text="ISO 639-1 code of the language the story is written in, as screening "
        "detected it; blank when it could not tell. The patient's emails use it.",
    )
    flag_kinds = models.CharField(
        max_length=200,
        blank=True,
        help_text="',pii,spam,': the flags' kinds, for filtering on every database.",
    )
    risk_score = models.PositiveSmallIntegerField(null=True, blank=True)
    screened_at = models.DateTimeField(null=True, blank=True)
    screening_model_version = models.CharField(
        max_length=40,
        blank=True,
        help_text="The learned screening model that read the story; blank when none did.",
    )
    screening_enqueued_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the sweep last sent the story to screening again (its message was "
        "lost); the sweep does not send it again for SCREENING_STUCK_AFTER.",
    )
    suggested_body = models.TextField(
        blank=True,
        help_text="Screening's suggestion: the body with personal data replaced by placeholders "
        "such as [name]; blank when it found none.",
    )

    published_body = models.TextField(
        blank=True, help_text="The text as approved (e.g. redacted); blank means the original."
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.CharField(max_length=20, choices=RejectionReason.choices, blank=True)
    rejection_note = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    featured = models.BooleanField(
        default=False, help_text="A moderator's pick; websites can ask for featured stories only."
    )
    material_connection = models.CharField(
        max_length=20,
        choices=MaterialConnection.choices,
        blank=True,
        help_text="As the patient declared it or a moderator set it; blank when never asked.",
    )
    material_connection_detail = models.CharField(max_length=200, blank=True)
    incentive = models.CharField(
        max_length=200,
        blank=True,
        help_text="What the invitation offered every invitee for sharing a story; published.",
    )
    typical_results = models.ForeignKey(
        "TypicalResultsStatement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="testimonials",
        help_text="The statement of what patients generally achieve, published with the story.",
    )
    invitation = models.OneToOneField(
        "Invitation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="testimonial",
        help_text="The single-use invitation it came through: a verified patient.",
    )

    idempotency_key = models.CharField(max_length=255, null=True, blank=True, unique=True)
    request_fingerprint = models.CharField(max_length=64, blank=True)

    source = models.CharField(
        max_length=60,
        blank=True,
        help_text="The tool an imported story came from; blank for stories submitted here.",
    )
    external_id = models.CharField(
        max_length=200, blank=True, help_text="The story's id in the tool it was imported from."
    )
    original_date = models.DateTimeField(
        null=True, blank=True, help_text="When the patient wrote it, as the other tool recorded."
    )
    consent_evidence = models.CharField(
        max_length=300,
        blank=True,
        help_text="What the other tool recorded of the patient's consent; blank when nothing.",
    )
    import_key = models.CharField(
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        help_text="SHA-256 naming the imported row (source and id, or source, name, date and "
        "text), so that importing a file again adds nothing.",
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    erased_at = models.DateTimeField(
        null=True, blank=True, help_text="When the patient's personal data and story were erased."
    )

    class Meta:
        ordering = ["-created_at"]
        permissions = [
            ("moderate_testimonial", "Can approve, reject and edit testimonials"),
            ("erase_personal_data", "Can erase a patient's stories and personal data"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="testimonial_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="testimonial_rating_1_to_5",
            ),
            # Only an import may bring a story without consent; the gate
            # keeps it off every surface until the patient authorizes it.
            models.CheckConstraint(
                condition=(Q(consent_to_publish=True) & Q(consented_at__isnull=False))
                | (Q(consent_to_publish=False) & ~Q(source="")),
                name="testimonial_consent_given_or_imported",
            ),
            models.CheckConstraint(
                condition=Q(display_preference__in=DisplayPreference.values),
                name="testimonial_display_preference_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.PUBLISHED) | Q(published_at__isnull=False),
                name="testimonial_published_has_time",
            ),
            models.CheckConstraint(
                condition=Q(material_connection="")
                | Q(material_connection__in=MaterialConnection.values),
                name="testimonial_material_connection_valid",
            ),
        ]
        indexes = [
            # testimonials.publishing.gate.published_testimonials
            models.Index(
                fields=["topic", "-published_at", "-id"],
                name="testimonial_published_idx",
                condition=Q(status=Status.PUBLISHED),
            ),
            # testimonials.publishing.gate.published_testimonials without a topic
            # (the published list's default page)
            models.Index(
                fields=["-published_at", "-id"],
                name="testimonial_public_list_idx",
                condition=Q(status=Status.PUBLISHED),
            ),
            # testimonials.publishing.gate.published_testimonials of one location
            models.Index(
                fields=["location", "-published_at", "-id"],
                name="testimonial_published_loc_idx",
                condition=Q(status=Status.PUBLISHED),
            ),
            # moderation.decisions.selectors.review_queue
            models.Index(
                fields=["-risk_score", "created_at"],
                name="testimonial_review_queue_idx",
                condition=Q(status=Status.PENDING_REVIEW),
            ),
            # moderation.intake.sweep.screening_sweep
            models.Index(
                fields=["status", "status_changed_at"],
                name="testimonial_screening_idx",
                condition=Q(status__in=[Status.SUBMITTED, Status.SCREENING]),
            ),
        ]

    def __str__(self) -> str:
        return f"Testimonial {self.public_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.location_id is None and self.topic_id is not None:
            self.location = place_of_topic(self.topic)
        if not self.public_name and self.author_name:
            self.public_name = display_name_for(self.author_name, self.display_preference)
        super().save(*args, **kwargs)

    @property
    def shown_body(self) -> str:
        return self.published_body or self.body

    @property
    def display_name(self) -> str:
        return self.public_name or display_name_for(self.author_name, self.display_preference)

    @property
    def verified_patient(self) -> bool:
        return self.invitation_id is not None


def place_of_topic(topic: Topic) -> Location:
    """The location a story on this topic belongs to when none is named:
    the topic's own, or its organisation's only one."""
    if topic.location_id is not None:
        return topic.location  # type: ignore[return-value]
    location = sole_location(cast(int, topic.organisation_id))
    if location is None:
        raise ValueError(f"Topic {topic.slug!r} is shared by several locations: name one.")
    return location


def display_name_for(author_name: str, preference: str) -> str:
    """The name as the patient chose to be shown."""
    parts = author_name.split()
    if preference == DisplayPreference.ANONYMOUS or not parts:
        return "Anonymous patient"
    if preference == DisplayPreference.FULL_NAME:
        return " ".join(parts)
    if preference == DisplayPreference.INITIALS:
        return " ".join(f"{part[0].upper()}." for part in parts)
    if len(parts) == 1:
        return parts[0]
    return f"{parts[0]} {parts[-1][0].upper()}."


class StatusChange(models.Model):
    """The audit trail: one row for every status change, written by
    `testimonials.transitions` in the same transaction as the change."""

    testimonial = models.ForeignKey(Testimonial, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=20, choices=Status.choices)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(
        max_length=150, help_text="Who or what: a username, 'patient' or 'system:…'."
    )
    reason = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status} by {self.actor_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Audit records are append-only.")
        super().save(*args, **kwargs)
