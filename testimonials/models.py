import secrets
import uuid
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from testimonials import webhooks

# The statements 45 CFR 164.508(c) requires, as each consent version starts.
DEFAULT_DISCLOSER = "The clinic that runs this website, and the staff who publish its stories."
DEFAULT_PURPOSE = (
    "To show people who consider this treatment what other patients experienced: "
    "the clinic uses your story to promote its services (marketing)."
)
DEFAULT_REVOCATION_STATEMENT = (
    'You may revoke this authorization at any time, in writing: press "Withdraw my story" '
    "on your story's private page (the link you receive), or write to the clinic. Your story "
    "then leaves every page, the widget and partner websites at once. Revoking cannot undo "
    "what was published or copied before."
)
DEFAULT_CONDITIONING_STATEMENT = (
    "Your treatment, payment, enrollment and eligibility for benefits do not depend on "
    "whether you sign."
)
DEFAULT_REDISCLOSURE_STATEMENT = (
    "Once published, your story can be read and copied by anyone, including the partner "
    "websites you choose, and may no longer be protected by federal privacy rules (HIPAA)."
)


class ConsentText(models.Model):
    """A version of the consent template a patient agrees to: the text, and
    the elements of an authorization (who discloses, the purpose, the
    required statements). A used version is never edited: a new one
    supersedes it."""

    TEMPLATE_FIELDS = (
        "version",
        "text",
        "discloser",
        "purpose",
        "revocation_statement",
        "conditioning_statement",
        "redisclosure_statement",
    )

    version = models.SlugField(max_length=40, unique=True)
    text = models.TextField()
    discloser = models.CharField(
        max_length=300,
        default=DEFAULT_DISCLOSER,
        help_text="Who uses and discloses the story (164.508(c)(1)(ii)).",
    )
    purpose = models.TextField(
        default=DEFAULT_PURPOSE, help_text="Why the story is published (164.508(c)(1)(iv))."
    )
    revocation_statement = models.TextField(
        default=DEFAULT_REVOCATION_STATEMENT,
        help_text="The right to revoke in writing, how, and its limits (164.508(c)(2)(i)).",
    )
    conditioning_statement = models.TextField(
        default=DEFAULT_CONDITIONING_STATEMENT,
        help_text="Treatment does not depend on signing (164.508(c)(2)(ii)).",
    )
    redisclosure_statement = models.TextField(
        default=DEFAULT_REDISCLOSURE_STATEMENT,
        help_text="Recipients may disclose it again (164.508(c)(2)(iii)).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.version

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values(*self.TEMPLATE_FIELDS).first()
            changed = stored is not None and any(
                stored[name] != getattr(self, name) for name in self.TEMPLATE_FIELDS
            )
            if changed and self.is_used():
                raise ValueError(
                    "Patients agreed to this consent version: add a new version instead."
                )
        super().save(*args, **kwargs)

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None

    def is_used(self) -> bool:
        return (
            Testimonial.objects.filter(consent_text=self).exists()
            or Authorization.objects.filter(consent_text=self).exists()
        )


def default_topic_languages() -> list[str]:
    return ["en"]


class PublishingMode(models.TextChoices):
    """How a topic's stories are chosen, told to every reader (16 CFR 465.7)."""

    SELECTED = "selected", _("Selected patient stories")
    ALL = "all", _("All reviews")


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
    publishing_mode = models.CharField(
        max_length=20,
        choices=PublishingMode.choices,
        default=PublishingMode.SELECTED,
        help_text="Selected: the clinic picks stories and the pages say so. All reviews: every "
        "story is shown unless declined for a content-based reason (never 'other').",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(publishing_mode__in=PublishingMode.values),
                name="topic_publishing_mode_valid",
            )
        ]

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
            # testimonials.selectors.published_testimonials
            models.Index(
                fields=["topic", "-published_at", "-id"],
                name="testimonial_published_idx",
                condition=Q(status=Status.PUBLISHED),
            ),
            # testimonials.selectors.published_testimonials without a topic
            # (the published list's default page)
            models.Index(
                fields=["-published_at", "-id"],
                name="testimonial_public_list_idx",
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

    def save(self, *args: Any, **kwargs: Any) -> None:
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
            # testimonials.authorizations.authorizations_expire / _reconfirm_due
            models.Index(
                fields=["expires_at"],
                name="authorization_in_effect_idx",
                condition=Q(superseded_at__isnull=True, revoked_at__isnull=True),
            ),
            # testimonials.authorizations.authorizations_purge
            models.Index(fields=["retain_until"], name="authorization_retention_idx"),
        ]

    def __str__(self) -> str:
        return f"Authorization {self.public_id}"

    @property
    def channels(self) -> list[str]:
        return [channel for channel, field in CHANNEL_FIELDS.items() if getattr(self, field)]

    def covers(self, channel: str) -> bool:
        return bool(getattr(self, CHANNEL_FIELDS[Channel(channel)]))

    def is_in_effect(self, at: Any = None) -> bool:
        """Not superseded, not revoked, not expired."""
        at = at or timezone.now()
        return self.superseded_at is None and self.revoked_at is None and self.expires_at > at


class NoticeKind(models.TextChoices):
    COPY = "copy", "A copy of the authorization"
    APPROVE_EDIT = "approve_edit", "An edited text awaits the patient's approval"
    RECONFIRM = "reconfirm", "The authorization expires soon"
    EXPIRED = "expired", "The authorization expired"


class ConsentNotice(models.Model):
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


class PublicationEvent(models.TextChoices):
    """What websites hear about: a story entered, changed within, or left `published`."""

    PUBLISHED = "testimonial.published"
    UPDATED = "testimonial.updated"
    UNPUBLISHED = "testimonial.unpublished"


class PublicationChange(models.Model):
    """The changes feed: one row per publication event, written by
    `testimonials.transitions` in the same transaction as the change.

    Append-only. The id orders the feed; it never leaves the server (cursors
    are signed). `public_id` and `topic` are copied so that a removal stays
    a tombstone even if the testimonial row is later erased.
    """

    event = models.CharField(max_length=40, choices=PublicationEvent.choices)
    testimonial = models.ForeignKey(
        Testimonial,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="publication_changes",
    )
    public_id = models.UUIDField()
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="+")
    channels = models.CharField(
        max_length=60,
        default=ALL_CHANNELS_KEY,
        help_text="',partners,widget,': the channels whose readers this change concerns.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(event__in=PublicationEvent.values),
                name="publication_change_event_valid",
            )
        ]
        indexes = [
            # testimonials.selectors.publication_changes(topic=...)
            models.Index(fields=["topic", "id"], name="publication_change_topic_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.public_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("The changes feed is append-only.")
        super().save(*args, **kwargs)


def validate_origins(value: str) -> None:
    """One origin a line: scheme and host (and port), nothing more."""
    for line in value.splitlines():
        origin = line.strip()
        if not origin:
            continue
        parts = urlsplit(origin)
        if (
            parts.scheme not in ("http", "https")
            or not parts.netloc
            or parts.path not in ("", "/")
            or parts.query
            or parts.fragment
        ):
            raise ValidationError(f"{origin!r} is not an origin such as https://clinic.example.")


def validate_webhook_url(value: str) -> None:
    try:
        webhooks.resolve(value)
    except webhooks.UnsafeURL as exc:
        raise ValidationError(str(exc)) from exc


def validate_events(value: Any) -> None:
    if (
        not isinstance(value, list)
        or not value
        or any(event not in PublicationEvent.values for event in value)
    ):
        raise ValidationError(f"Choose one or more of: {', '.join(PublicationEvent.values)}.")


def new_webhook_secret() -> str:
    return secrets.token_hex(32)


class Site(models.Model):
    """A website that shows our stories: its API key and its webhooks.

    The key is shown once when it is issued; only its SHA-256 is stored (a
    random 256-bit key needs no slow hash)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=120)
    allowed_origins = models.TextField(
        blank=True,
        validators=[validate_origins],
        help_text=(
            "One origin a line, e.g. https://clinic.example. Browsers may send this "
            "site's key only from these origins; leave empty for a key used from servers only."
        ),
    )
    channel = models.CharField(
        max_length=20,
        choices=[
            (Channel.PARTNERS, "A partner website"),
            (Channel.CLINIC, "The clinic's own site"),
        ],
        default=Channel.PARTNERS,
        help_text="Decides which stories the site's key reads and its webhooks hear about: "
        "only those the patient authorized for this channel.",
    )
    key_prefix = models.CharField(max_length=16, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    key_issued_at = models.DateTimeField(editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    request_count = models.PositiveBigIntegerField(default=0, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=[Channel.PARTNERS, Channel.CLINIC]),
                name="site_channel_valid",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def origins(self) -> list[str]:
        lines = self.allowed_origins.splitlines()
        return [line.strip().rstrip("/") for line in lines if line.strip()]


class WebhookEndpoint(models.Model):
    """A URL of a site's that hears about publication events."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(
        max_length=500,
        validators=[validate_webhook_url],
        help_text="http(s) only; private addresses are refused.",
    )
    topic = models.ForeignKey(
        Topic,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Only this topic's stories; empty for every topic.",
    )
    events = models.JSONField(
        default=list,
        validators=[validate_events],
        help_text="The events this URL hears about.",
    )
    secret = models.CharField(
        max_length=64,
        default=new_webhook_secret,
        editable=False,
        help_text="Signs every delivery (HMAC-SHA256); give it to the site's developers.",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["site__name", "id"]

    def __str__(self) -> str:
        return f"Webhook {self.pk} of {self.site}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"
    SKIPPED = "skipped", "Skipped (no longer public)"


class WebhookDelivery(models.Model):
    """One event for one endpoint: the outbox row, then its log.

    Written in the publication change's transaction; the task sends it after
    commit and the sweep re-sends what a lost message or a down broker left
    behind. Holds no payload: it is built from the public representation at
    each attempt, so a story withdrawn meanwhile is never sent.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    change = models.ForeignKey(
        PublicationChange, on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(
        max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    resend_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="webhook_delivery_status_valid"
            )
        ]
        indexes = [
            # testimonials.services.webhook_deliveries_due (the sweep)
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_delivery_due_idx",
                condition=Q(status=DeliveryStatus.PENDING),
            ),
        ]

    def __str__(self) -> str:
        return f"Delivery {self.public_id}"


class TypicalResultsStatement(models.Model):
    """What patients generally achieve, in the clinic's words: published next
    to every story it is attached to (16 CFR 255.2: a story about a result
    implies the result is typical unless the generally expected one is
    disclosed). Never edited once a story shows it: retire it and write a
    new one, so that the evidence of what readers saw stays true."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="typical_results_statements"
    )
    tag = models.SlugField(
        max_length=60,
        blank=True,
        help_text="A condition or treatment within the topic, e.g. 'sciatica'; blank for the "
        "whole topic (the statement every story gets unless a moderator picks another).",
    )
    label = models.CharField(
        max_length=100, blank=True, help_text="How readers see the tag, e.g. 'Sciatica'."
    )
    text = models.TextField(
        max_length=1000,
        help_text="What patients generally achieve, e.g. 'Most patients report less pain after "
        "six to eight weeks of treatment combined with exercise; some notice little change.'",
    )
    source = models.CharField(
        max_length=300,
        blank=True,
        help_text="What the statement rests on (an outcome audit, a study); shown to readers.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["topic__title", "tag", "-created_at"]
        verbose_name = "typical-results statement"
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "tag"],
                condition=Q(retired_at__isnull=True),
                name="typical_results_one_current_per_tag",
                violation_error_message="This topic already has a current statement with this "
                "tag: retire it first, then write the new one.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic.slug}/{self.tag or '(whole topic)'}"

    @property
    def is_current(self) -> bool:
        return self.retired_at is None


class Invitation(models.Model):
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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by_label = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # testimonials.invitations.unsent_invitation_ids (the sweep)
            models.Index(
                fields=["created_at"],
                name="invitation_unsent_idx",
                condition=Q(sent_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation {self.public_id}"


class AuthorizationRequest(models.Model):
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


class ExportScope(models.TextChoices):
    PUBLISHED = "published", "Published stories"
    ALL = "all", "All stories, with personal data"


class DataExport(models.Model):
    """That an export of stories happened: who, when, what and how many.
    Never what it held."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=150, help_text="A username, or 'command:…'.")
    scope = models.CharField(max_length=20, choices=ExportScope.choices)
    format = models.CharField(max_length=10)
    count = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope__in=ExportScope.values), name="data_export_scope_valid"
            )
        ]

    def __str__(self) -> str:
        return f"Export of {self.count} {self.scope} stories by {self.actor_label}"
