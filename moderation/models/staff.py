"""Where a staff member works: their organisations, their role in each and,
for location moderators and reviewers, the locations they may see."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from testimonials.models import Location, Organisation


class StaffRole(models.TextChoices):
    ORGANISATION_ADMIN = "organisation_admin", "Organisation admin (every location)"
    MODERATOR = "moderator", "Moderator (the locations named, or every location)"
    REVIEWER = "reviewer", "Read-only reviewer (no personal data)"


class StaffMembership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="staff_memberships"
    )
    role = models.CharField(max_length=20, choices=StaffRole.choices, default=StaffRole.MODERATOR)
    locations = models.ManyToManyField(
        Location,
        blank=True,
        related_name="staff_memberships",
        help_text="Empty: every location of the organisation. Ignored for organisation admins.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="staff_membership_one_per_organisation"
            ),
            models.CheckConstraint(
                condition=Q(role__in=StaffRole.values), name="staff_membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.organisation} ({self.get_role_display()})"
