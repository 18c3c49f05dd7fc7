"""`manage.py erase_patient`: a patient's erasure request (GDPR art. 17)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from moderation import privacy
from testimonials import transitions


class Command(BaseCommand):
    help = (
        "Erase every story and all personal data of the patient with this email address "
        "(GDPR art. 17). Published stories are withdrawn from every surface first. The audit "
        "trail keeps that it happened; the authorization evidence is kept for its retention time."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument(
            "--by", default="command", help="Who asked, for the audit trail (default: command)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = transitions.Actor(f"erase_patient:{options['by']}"[:150])
        report = privacy.patient_erase(email=options["email"], actor=actor)
        if not report.erased:
            self.stdout.write("Nothing to erase: no story with this email address is left.")
            return
        self.stdout.write(f"Erased {len(report.erased)} stories: {', '.join(report.erased)}.")
        if report.evidence_kept_until is not None:
            self.stdout.write(
                "The authorization evidence (fingerprint, terms, signature) is kept until "
                f"{report.evidence_kept_until:%Y-%m-%d}, as HIPAA requires, then purged."
            )
