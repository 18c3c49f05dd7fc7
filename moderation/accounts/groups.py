"""The Moderators and Clinic admins groups with exactly the permissions
each needs; kept in step after every `migrate`."""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from moderation.accounts.permissions import CLINIC_ADMINS_GROUP, MODERATORS_GROUP, REVIEWERS_GROUP


def moderators_group_ensure() -> Group:
    """The Moderators group with exactly the permissions moderators need.
    Idempotent; runs after every `migrate` and from `create_moderator`."""
    group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
    wanted = Permission.objects.filter(
        content_type__app_label="testimonials",
        codename__in=[
            "moderate_testimonial",
            "view_testimonial",
            "view_topic",
            "view_statuschange",
            "view_authorization",
            "add_invitation",
            "view_invitation",
            "view_typicalresultsstatement",
            # The visits of their locations (never a patient's contacts).
            "view_visit",
        ],
    )
    group.permissions.set(wanted)
    return group


def clinic_admins_group_ensure() -> Group:
    """Admins manage topics, consent texts, moderator accounts and their API
    tokens, and the websites that show stories (keys, webhooks, deliveries); deciding on
    stories stays with moderators. Superusers can do both."""
    group, _ = Group.objects.get_or_create(name=CLINIC_ADMINS_GROUP)
    wanted = Permission.objects.filter(
        Q(content_type__app_label="testimonials", codename__endswith="_topic")
        | Q(content_type__app_label="testimonials", codename__endswith="_consenttext")
        | Q(content_type__app_label="testimonials", codename__endswith="_site")
        | Q(content_type__app_label="testimonials", codename__endswith="_webhookendpoint")
        | Q(content_type__app_label="testimonials", codename__endswith="_typicalresultsstatement")
        | Q(
            content_type__app_label="testimonials",
            codename__in=["add_invitation", "view_invitation"],
        )
        | Q(
            content_type__app_label="testimonials",
            codename__in=["view_authorization", "erase_personal_data", "view_testimonial"],
        )
        | Q(
            content_type__app_label="testimonials",
            codename__in=["view_webhookdelivery", "change_webhookdelivery"],
        )
        | Q(
            content_type__app_label="auth",
            codename__in=["add_user", "change_user", "view_user", "view_group"],
        )
        | Q(
            content_type__app_label="moderation",
            codename__in=["add_apitoken", "view_apitoken", "change_apitoken"],
        )
        # Their organisation's places and staff (`moderation.admin.staff`).
        | Q(
            content_type__app_label="testimonials",
            codename__in=["view_organisation", "change_organisation"],
        )
        | Q(content_type__app_label="testimonials", codename__endswith="_location")
        | Q(content_type__app_label="testimonials", codename__endswith="_clinician")
        | Q(content_type__app_label="moderation", codename__endswith="_staffmembership")
        # The visit feed (`moderation.admin.visits`): practice systems' keys
        # (issued, revoked, never deleted), a day's visits from CSV, opt-outs.
        | Q(
            content_type__app_label="testimonials",
            codename__in=[
                "add_integrationkey",
                "view_integrationkey",
                "change_integrationkey",
                "add_visit",
                "view_visit",
                "view_patientoptout",
            ],
        )
    ).exclude(codename="delete_consenttext")
    group.permissions.set(wanted)
    return group


def reviewers_group_ensure() -> Group:
    """Read-only reviewers (compliance): they see stories, their history and
    the audit trail of their places, and decide nothing."""
    group, _ = Group.objects.get_or_create(name=REVIEWERS_GROUP)
    wanted = Permission.objects.filter(
        content_type__app_label="testimonials",
        codename__in=[
            "view_testimonial",
            "view_topic",
            "view_statuschange",
            "view_visit",
            "view_patientoptout",
        ],
    )
    group.permissions.set(wanted)
    return group
