"""`manage.py seed_demo`: the demo organisation's two locations and their
clinicians, a topic at each, consent text, stories and accounts."""

import json
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Count
from django_otp.plugins.otp_totp.models import TOTPDevice

from moderation.accounts import api_tokens
from moderation.accounts import moderators as moderation_moderators
from moderation.decisions import services as moderation_decisions
from moderation.intake import screening as moderation_intake
from testimonials import demo
from testimonials.models import (
    Clinician,
    ConsentText,
    Location,
    Organisation,
    PublishingMode,
    RejectionReason,
    Status,
    Testimonial,
    Topic,
    TypicalResultsStatement,
    sole_organisation_id,
)
from testimonials.stories import submitting, withdrawal


def credentials_file() -> Path:
    return Path(settings.VAR_DIR) / "demo-credentials.json"


class Command(BaseCommand):
    help = (
        "Create the demo locations and clinicians, topics, consent text, accounts and "
        "testimonials in several statuses. Safe to run again: what exists is left as it is."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        consent, _ = ConsentText.objects.get_or_create(
            version=demo.DEMO_CONSENT_VERSION, defaults={"text": demo.DEMO_CONSENT_TEXT}
        )
        locations = self._places()
        topic, _ = Topic.objects.get_or_create(
            slug=demo.DRY_NEEDLING_SLUG,
            defaults={
                "organisation": locations[demo.DRY_NEEDLING_LOCATION].organisation,
                "location": locations[demo.DRY_NEEDLING_LOCATION],
                "title": demo.DRY_NEEDLING_TITLE,
                "summary": demo.DRY_NEEDLING_SUMMARY,
                "article": demo.DRY_NEEDLING_ARTICLE,
                "open_for_submissions": True,
                "publishing_mode": PublishingMode.ALL,
                # Its pages follow the visitor's Accept-Language: English or Spanish.
                "languages": ["en", "es"],
            },
        )
        TypicalResultsStatement.objects.get_or_create(
            topic=topic,
            tag="",
            retired_at=None,
            defaults={
                "text": demo.DRY_NEEDLING_TYPICAL_RESULTS,
                "source": demo.DRY_NEEDLING_TYPICAL_RESULTS_SOURCE,
            },
        )
        second_topic, _ = Topic.objects.get_or_create(
            slug=demo.SECOND_TOPIC_SLUG,
            defaults={
                "organisation": locations[demo.SECOND_TOPIC_LOCATION].organisation,
                "location": locations[demo.SECOND_TOPIC_LOCATION],
                "title": demo.SECOND_TOPIC_TITLE,
                "summary": demo.SECOND_TOPIC_SUMMARY,
                "article": demo.SECOND_TOPIC_ARTICLE,
                "open_for_submissions": True,
            },
        )
        # An earlier demo's topics were the organisation's, which with two
        # locations would make every submission name one.
        for slug, location in (
            (demo.DRY_NEEDLING_SLUG, demo.DRY_NEEDLING_LOCATION),
            (demo.SECOND_TOPIC_SLUG, demo.SECOND_TOPIC_LOCATION),
        ):
            Topic.objects.filter(slug=slug, location=None).update(location=locations[location])
        credentials = self._accounts()
        if not Testimonial.objects.filter(topic=topic).exists():
            self._stories(topic, consent, demo.DEMO_STORIES)
        if not Testimonial.objects.filter(topic=second_topic).exists():
            self._stories(second_topic, consent, demo.SECOND_TOPIC_STORIES)
        counts = {
            row["status"]: row["n"]
            for row in Testimonial.objects.values("status").annotate(n=Count("id"))
        }
        self.stdout.write(f"Demo data ready: {json.dumps(counts, sort_keys=True)}")
        self.stdout.write(
            f"Admin login: user 'admin', password '{credentials['admin']}' "
            f"(moderator: user 'moderator', password '{credentials['moderator']}'); "
            f"stored in {credentials_file()}"
        )
        self.stdout.write(f"Moderator API token: {credentials['moderator_token']}")
        self.stdout.write(
            "Two-factor codes (needed when ADMIN_REQUIRE_2FA is on, as in `make serve`): add "
            f"these to an authenticator app: admin {credentials['admin_totp']} ; "
            f"moderator {credentials['moderator_totp']}"
        )

    def _places(self) -> dict[str, Location]:
        """The installation's organisation (made from CLINIC_NAME), its two
        demo locations and a clinician at each, by location slug."""
        organisation_id = sole_organisation_id()
        # With several (made by hand), the first.
        organisation = Organisation.objects.order_by("pk")[0]
        if organisation_id is not None:
            organisation = Organisation.objects.get(pk=organisation_id)
        locations = {
            slug: Location.objects.get_or_create(
                slug=slug, defaults={"organisation": organisation, "name": name}
            )[0]
            for slug, name in demo.DEMO_LOCATIONS
        }
        for slug, name, location in demo.DEMO_CLINICIANS:
            clinician, created = Clinician.objects.get_or_create(
                slug=slug, defaults={"organisation": organisation, "name": name}
            )
            if created:
                clinician.locations.add(locations[location])
        return locations

    def _accounts(self) -> dict[str, str]:
        stored: dict[str, str] = {}
        path = credentials_file()
        if path.exists():
            stored = json.loads(path.read_text())
        user_model = get_user_model()
        admin_password = stored.get("admin") or secrets.token_urlsafe(12)
        admin, created = user_model.objects.get_or_create(
            username="admin", defaults={"is_staff": True, "is_superuser": True}
        )
        if created or "admin" not in stored:
            admin.set_password(admin_password)
            admin.save()
        moderator_password = stored.get("moderator") or secrets.token_urlsafe(12)
        token = moderation_moderators.moderator_create(
            username="moderator",
            password=moderator_password if "moderator" not in stored else None,
            purpose="demo",
        )
        # Each run prints a new token (only hashes are kept): the last one
        # printed is the one that works.
        previous = api_tokens.token_for_key(stored.get("moderator_token", ""))
        if previous is not None:
            api_tokens.token_revoke(token=previous)
        credentials = {
            "admin": admin_password,
            "moderator": moderator_password,
            "moderator_token": token.key,
            "admin_totp": _totp_address(admin),
            "moderator_totp": _totp_address(token.user),
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(credentials, indent=2))
        path.chmod(0o600)
        return credentials

    def _stories(
        self,
        topic: Topic,
        consent: ConsentText,
        stories: list[tuple[str, str, int | None, str, str]],
    ) -> None:
        moderator = get_user_model().objects.get(username="moderator")
        for author, preference, rating, body, final_status in stories:
            connection, detail = demo.DEMO_CONNECTIONS.get(author, ("", ""))
            with transaction.atomic():
                outcome = submitting.testimonial_submit(
                    submission=submitting.Submission(
                        topic_slug=topic.slug,
                        author_name=author,
                        body=body,
                        consent_to_publish=True,
                        consent_text_version=consent.version,
                        rating=rating,
                        display_preference=preference,
                        material_connection=connection,
                        material_connection_detail=detail,
                        clinician_slug=demo.DEMO_STORY_CLINICIANS.get(author, ""),
                    )
                )
            testimonial = outcome.testimonial
            if final_status == Status.SUBMITTED:
                continue  # the worker screens this one, as it would a real submission
            moderation_intake.testimonial_screen(testimonial_id=testimonial.pk)
            testimonial.refresh_from_db()
            if final_status == Status.REJECTED and testimonial.status == Status.PENDING_REVIEW:
                moderation_decisions.testimonial_reject(
                    public_id=testimonial.public_id,
                    moderator=moderator,
                    reason=RejectionReason.OFF_TOPIC,
                )
            if final_status in (Status.PUBLISHED, Status.WITHDRAWN):
                testimonial = moderation_decisions.testimonial_approve(
                    public_id=testimonial.public_id, moderator=moderator
                )
            if final_status == Status.WITHDRAWN:
                withdrawal.testimonial_withdraw(testimonial=testimonial)


def _totp_address(user: Any) -> str:
    """The demo account's authenticator (one, kept across runs), as otpauth://."""
    device = TOTPDevice.objects.filter(user=user, name="demo").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="demo", confirmed=True)
    return str(device.config_url)
