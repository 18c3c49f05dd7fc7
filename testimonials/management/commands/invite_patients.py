"""`manage.py invite_patients`: invite a list of patients to share a story."""

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from testimonials.errors import FieldErrors
from testimonials.invitations import services as invitations
from testimonials.models import Topic


class Command(BaseCommand):
    help = (
        "Invite patients to share a story: one email each, with a single-use link that expires. "
        "The email names no treatment or visit reason; every invitee gets the same text and "
        "the same incentive. Addresses come from --email (repeatable) or a CSV file (an "
        "'email' column, or addresses in the first column; '-' reads standard input)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("topic", help="The topic's slug (it is never named in the email).")
        parser.add_argument("--email", action="append", default=[], help="One address.")
        parser.add_argument("--csv", dest="csv_path", help="A CSV file of addresses.")
        parser.add_argument(
            "--incentive",
            default="",
            help="Offered to every invitee, whatever their story says, e.g. 'a $10 gift card'; "
            "published with each story.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        topic = Topic.objects.filter(slug=options["topic"]).first()
        if topic is None:
            raise CommandError(f"No topic with the slug {options['topic']!r}.")
        sources = [("--email", "\n".join(options["email"]))]
        if options["csv_path"]:
            path = options["csv_path"]
            text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
            sources.append(("CSV", text))
        parsed = invitations.parse_sources(sources)
        try:
            batch = invitations.invitations_create(
                topic=topic,
                emails=parsed.emails,
                created_by=None,
                created_by_label="manage.py invite_patients",
                incentive=options["incentive"],
            )
        except FieldErrors as exc:
            raise CommandError(" ".join(" ".join(v) for v in exc.fields.values())) from exc
        # Line numbers only: the addresses are the patients' own.
        self.stdout.write(
            f"Invited {len(batch.invitations)} (batch {batch.batch}); "
            f"already invited {batch.already_invited}; repeated {parsed.duplicates}; "
            f"not an address: {', '.join(parsed.invalid_lines) or 'none'}."
        )
