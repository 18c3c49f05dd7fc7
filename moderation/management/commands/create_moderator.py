"""`manage.py create_moderator`: a moderator account and its API token,
optionally limited to some locations, an organisation, or another role."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from moderation.accounts import moderators
from moderation.models import StaffRole
from testimonials.errors import FieldErrors


class Command(BaseCommand):
    help = (
        "Create (or update) a moderator account and issue it a new API token, printed as the "
        "last line (shown only this once; it expires after API_TOKEN_TTL_DAYS). With "
        "--location, the moderator sees and decides only those locations' stories."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password",
            default=None,
            help="Set a password for the admin; without it a new account can use only its token.",
        )
        parser.add_argument(
            "--token-name",
            default="create_moderator",
            help="What the new token is for, as the admin lists it.",
        )
        parser.add_argument(
            "--location",
            action="append",
            default=[],
            metavar="SLUG",
            help="A location the moderator works at (repeat for several); "
            "without it, every location of the organisation.",
        )
        parser.add_argument(
            "--organisation",
            default=None,
            metavar="SLUG",
            help="The organisation (needed when there are several and no --location names it).",
        )
        parser.add_argument(
            "--role",
            choices=StaffRole.values,
            default=StaffRole.MODERATOR,
            help="organisation_admin: every location, staff, sites and topics, and exports; "
            "reviewer: read only, without personal data.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            issued = moderators.moderator_create(
                username=options["username"],
                email=options["email"],
                password=options["password"],
                purpose=options["token_name"],
                role=options["role"],
                organisation_slug=options["organisation"],
                location_slugs=options["location"],
            )
        except FieldErrors as exc:
            raise CommandError(
                " ".join(" ".join(errors) for errors in exc.fields.values())
            ) from None
        self.stdout.write(f"Moderator {options['username']} is ready. API token:")
        self.stdout.write(issued.key)
