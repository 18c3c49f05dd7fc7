import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q


class ConsentText(models.Model):
    """A version of the consent a patient agrees to. A used version is never
    edited: a new one supersedes it."""

    version = models.SlugField(max_length=40, unique=True)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.version

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None


def default_topic_languages() -> list[str]:
    return ["en"]


class Topic(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, blank=True)
    article = models.TextField(
        help_text="The education article, plain text; blank lines separate paragraphs."
    )
    open_for_submissions = models.BooleanField(default=True)
    languages = models.JSONField(
        default=default_topic_languages,
        blank=True,
        help_text='ISO 639-1 codes of the languages stories are published in, e.g. ["en", "es"]. '
        "Screening flags a story written in any other.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Status(models.TextChoices):
    SUBMITTED = "submitted"
    SCREENING = "screening"
    PENDING_REVIEW = "pending_review"
    PUBLISHED = "published"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    UNPUBLISHED = "unpublished"


class DisplayPreference(models.TextChoices):
    FULL_NAME = "full_name", "Full name"
    FIRST_NAME_INITIAL = "first_name_initial", "First name and initial"
    INITIALS = "initials", "Initials"
    ANONYMOUS = "anonymous", "Anonymous"


class RejectionReason(models.TextChoices):
    """Content-based reasons only: nothing is rejected for sentiment or rating."""

    PERSONAL_DATA = "personal_data", "Contains personal data that cannot be redacted"
    PROFANITY_ABUSE = "profanity_abuse", "Profanity or abuse"
    SPAM = "spam", "Spam or advertising"
    OFF_TOPIC = "off_topic", "Not about the treatment or the clinic"
    DUPLICATE = "duplicate", "Duplicate of an earlier story"
    NO_CONSENT = "no_consent", "No valid consent"
    OTHER = "other", "Other (see note)"


class Testimonial(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="testimonials")

    author_name = models.CharField(max_length=120)
    display_preference = models.CharField(
        max_length=20,
        choices=DisplayPreference.choices,
        default=DisplayPreference.FIRST_NAME_INITIAL,
    )
    email = models.EmailField(blank=True)
    body = models.TextField(help_text="What the patient wrote, never changed.")
    rating = models.PositiveSmallIntegerField(null=True, blank=True)

    consent_to_publish = models.BooleanField()
    consent_text = models.ForeignKey(ConsentText, on_delete=models.PROTECT, related_name="+")
    consented_at = models.DateTimeField()

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    status_changed_at = models.DateTimeField()
    version = models.PositiveIntegerField(
        default=1, help_text="Bumped by every change; a decision names the version it saw."
    )

    screening_flags = models.JSONField(default=list, blank=True)
    flag_kinds = models.CharField(
        max_length=200,
        blank=True,
        help_text="',pii,spam,': the flags' kinds, for filtering on every database.",
    )
    risk_score = models.PositiveSmallIntegerField(null=True, blank=True)
    screened_at = models.DateTimeField(null=True, blank=True)
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

    idempotency_key = models.CharField(max_length=255, null=True, blank=True, unique=True)
    request_fingerprint = models.CharField(max_length=64, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        permissions = [("moderate_testimonial", "Can approve, reject and edit testimonials")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="testimonial_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="testimonial_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(consent_to_publish=True), name="testimonial_consent_given"
            ),
            models.CheckConstraint(
                condition=Q(display_preference__in=DisplayPreference.values),
                name="testimonial_display_preference_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.PUBLISHED) | Q(published_at__isnull=False),
                name="testimonial_published_has_time",
            ),
        ]
        indexes = [
            # testimonials.selectors.published_testimonials
            models.Index(
                fields=["topic", "-published_at", "-id"],
                name="testimonial_published_idx",
                condition=Q(status=Status.PUBLISHED),
            ),
            # moderation.selectors.review_queue
            models.Index(
                fields=["-risk_score", "created_at"],
                name="testimonial_review_queue_idx",
                condition=Q(status=Status.PENDING_REVIEW),
            ),
            # moderation.services.screening_sweep
            models.Index(
                fields=["status", "status_changed_at"],
                name="testimonial_screening_idx",
                condition=Q(status__in=[Status.SUBMITTED, Status.SCREENING]),
            ),
        ]

    def __str__(self) -> str:
        return f"Testimonial {self.public_id}"

    @property
    def shown_body(self) -> str:
        return self.published_body or self.body

    @property
    def display_name(self) -> str:
        return display_name_for(self.author_name, self.display_preference)


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
