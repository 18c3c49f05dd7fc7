"""`manage.py export_patient`: a patient's access request (GDPR art. 15)."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from moderation import privacy


class Command(BaseCommand):
    help = (
        "Print, as JSON, everything held about the patient with this email address "
        "(GDPR art. 15): stories, their history, authorizations and moderators' notes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        export = privacy.patient_export(email=options["email"])
        self.stdout.write(json.dumps(export, indent=2, ensure_ascii=False))
