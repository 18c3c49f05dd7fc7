"""The consent text patients agree to, with the statements HIPAA requires."""

from typing import Any

from django.db import models

from testimonials.models.places import Organisation

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

    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consent_texts",
        help_text="Empty: the installation's default, for every organisation without a "
        "current text of its own.",
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
        # By name: the stories' and authorizations' modules import this one.
        return any(
            self._meta.apps.get_model("testimonials", name)
            ._default_manager.filter(consent_text=self)
            .exists()
            for name in ("Testimonial", "Authorization")
        )
