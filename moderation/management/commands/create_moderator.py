"""`manage.py create_moderator`: a moderator account and its API token."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from moderation.accounts import moderators


class Command(BaseCommand):
    help = "Create (or update) a moderator account; prints its API token as the last line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password",
            default=None,
            help="Set a password for the admin; without it a new account can use only its token.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        token = moderators.moderator_create(
            username=options["username"], email=options["email"], password=options["password"]
        )
        self.stdout.write(f"Moderator {options['username']} is ready. API token:")
        self.stdout.write(token.key)
