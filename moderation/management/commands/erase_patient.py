"""`manage.py erase_patient`: a patient's erasure request (GDPR art. 17)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from moderation import privacy
from moderation.management.patient_contact import add_patient_contact_arguments, patient_contact
from testimonials import transitions


class Command(BaseCommand):
    help = (
        "Erase every story and all personal data of the patient with this email address "
        "(and --phone), their visits' and asks' contacts included (GDPR art. 17). Published "
        "stories are withdrawn from every surface first. The audit trail keeps "
        "that it happened; the authorization evidence is kept for its retention time."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_patient_contact_arguments(
            parser,
            phone_help="The patient's phone in international form (+14155550123): their visits' "
            "and asks' contacts are erased by it too.",
        )
        parser.add_argument(
            "--by", default="command", help="Who asked, for the audit trail (default: command)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        email, phone = patient_contact(options)
        actor = transitions.Actor(f"erase_patient:{options['by']}"[:150])
        report = privacy.patient_erase(email=email, phone=phone, actor=actor)
        if not report.erased and not report.visits and not report.asks:
            self.stdout.write(
                "Nothing to erase: no story and no visit with this email address or phone is left."
            )
            return
        if report.visits or report.asks:
            self.stdout.write(
                f"Erased the patient's contacts from {report.visits} visits and {report.asks} "
                "asks (a scheduled ask is not sent). Their opt-out, if any, is kept: it is "
                "what keeps them from being asked again."
            )
        if not report.erased:
            self.stdout.write("No story with this email address is left.")
            return
        self.stdout.write(f"Erased {len(report.erased)} stories: {', '.join(report.erased)}.")
        if report.evidence_kept_until is not None:
            self.stdout.write(
                "The authorization evidence (fingerprint, terms, signature) is kept until "
                f"{report.evidence_kept_until:%Y-%m-%d}, as HIPAA requires, then purged."
            )
