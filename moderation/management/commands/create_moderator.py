"""`manage.py create_moderator`: a moderator account and its API token."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from moderation.accounts import moderators


class Command(BaseCommand):
    help = (
        "Create (or update) a moderator account and issue it a new API token, printed as the "
        "last line (shown only this once; it expires after API_TOKEN_TTL_DAYS)."
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

    def handle(self, *args: Any, **options: Any) -> None:
        issued = moderators.moderator_create(
            username=options["username"],
            email=options["email"],
            password=options["password"],
            purpose=options["token_name"],
        )
        self.stdout.write(f"Moderator {options['username']} is ready. API token:")
        self.stdout.write(issued.key)
