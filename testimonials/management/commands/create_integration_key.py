"""`manage.py create_integration_key`: a key for a practice system to send
visits with."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from testimonials.errors import FieldErrors
from testimonials.visits import integration_keys


class Command(BaseCommand):
    help = (
        "Create an integration key for POST /api/v1/visits/ (and nothing else), for one "
        "location or a whole organisation. The key is printed on the last line, once: only "
        "its hash is stored."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--location", default="", help="Only visits at this location (slug).")
        parser.add_argument(
            "--organisation",
            default="",
            help="Visits at any of this organisation's locations (slug); needed when the "
            "installation has several and no --location is given.",
        )
        parser.add_argument("--name", default="", help="What the key is for, e.g. 'EHR feed'.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            issued = integration_keys.integration_key_create(
                organisation_slug=options["organisation"],
                location_slug=options["location"],
                name=options["name"],
            )
        except FieldErrors as exc:
            raise CommandError(" ".join(" ".join(v) for v in exc.fields.values())) from exc
        key = issued.integration_key
        scope = key.location.slug if key.location else f"every location of {key.organisation.slug}"
        self.stdout.write(f"Integration key {key.key_prefix}… for {scope}; shown once:")
        self.stdout.write(issued.key)
