"""`manage.py export_patient`: a patient's access request (GDPR art. 15)."""

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from moderation import privacy
from testimonials.visits import contacts


class Command(BaseCommand):
    help = (
        "Print, as JSON, everything held about the patient with this email address "
        "(and --phone) (GDPR art. 15): stories, their history, authorizations, photos and "
        "recordings, moderators' notes, visits and opt-outs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", nargs="?", default="")
        parser.add_argument(
            "--phone",
            default="",
            help="The patient's phone in international form (+14155550123): their visits "
            "and opt-outs are found by it too.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        email, phone = options["email"].strip(), options["phone"].strip()
        if not email and not phone:
            raise CommandError("Give the patient's email address, or --phone, or both.")
        if phone:
            try:
                phone = contacts.normalised_phone(phone)
            except ValidationError as exc:
                raise CommandError(f"--phone: {' '.join(exc.messages)}") from exc
        export = privacy.patient_export(email=email, phone=phone)
        self.stdout.write(json.dumps(export, indent=2, ensure_ascii=False))
