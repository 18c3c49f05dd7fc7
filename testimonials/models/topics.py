"""Topics (a treatment and its education page) and their typical-results
statements."""

import uuid

from django.db import models
from django.db.models import Q

from testimonials.models.places import Location, Organisation, sole_organisation_id
from testimonials.models.publishing_modes import PublishingMode


def default_topic_languages() -> list[str]:
    return ["en"]


class Topic(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="topics",
        default=sole_organisation_id,
    )
    location = models.ForeignKey(
        Location,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="topics",
        help_text="Empty: shared by every location of the organisation.",
    )
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
