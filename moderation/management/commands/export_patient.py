"""`manage.py export_patient`: a patient's access request (GDPR art. 15)."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from moderation import privacy
from moderation.management.patient_contact import add_patient_contact_arguments, patient_contact


class Command(BaseCommand):
    help = (
        "Print, as JSON, everything held about the patient with this email address "
        "(and --phone) (GDPR art. 15): stories, their history, authorizations, photos and "
        "recordings, moderators' notes, visits and opt-outs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_patient_contact_arguments(
            parser,
            phone_help="The patient's phone in international form (+14155550123): their visits "
            "and opt-outs are found by it too.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        email, phone = patient_contact(options)
        export = privacy.patient_export(email=email, phone=phone)
        self.stdout.write(json.dumps(export, indent=2, ensure_ascii=False))
