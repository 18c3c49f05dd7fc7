"""`manage.py create_admin`: the clinic's first admin, whose password is
read from a file, the environment or a prompt and never printed."""

import getpass
import hmac
import os
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from moderation.accounts import admins

PASSWORD_VARIABLE = "ADMIN_PASSWORD"  # noqa: S105 - the name of a variable, not a password


class Command(BaseCommand):
    help = (
        "Create a superuser in the Clinic admins group. The password comes from "
        f"--password-file, else ${PASSWORD_VARIABLE}, else a prompt; it is never printed. "
        "Then `manage.py totp_device USERNAME` registers the authenticator production asks for."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-file",
            type=Path,
            default=None,
            help="A file whose first line is the password (e.g. a Docker or Kubernetes secret).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        password = self._password(options["password_file"])
        try:
            admins.admin_create(
                username=options["username"], email=options["email"], password=password
            )
        except admins.AdminExists:
            raise CommandError(
                f"An account named {options['username']!r} exists already; it was left as it is."
            ) from None
        except ValidationError as error:
            raise CommandError("The password was refused: " + " ".join(error.messages)) from None
        self.stdout.write(
            f"Admin {options['username']} is ready. Register an authenticator (production "
            f"asks for a TOTP code) with: manage.py totp_device {options['username']}"
        )

    def _password(self, password_file: Path | None) -> str:
        if password_file is not None:
            try:
                lines = password_file.read_text().splitlines()
            except OSError as error:
                raise CommandError(f"Cannot read {password_file}: {error.strerror}") from None
            return lines[0] if lines else ""
        if os.environ.get(PASSWORD_VARIABLE):
            return os.environ[PASSWORD_VARIABLE]
        if not sys.stdin.isatty():
            raise CommandError(
                f"No password: give --password-file or ${PASSWORD_VARIABLE}, "
                "or run the command in a terminal to be asked."
            )
        password = getpass.getpass("Password: ")
        again = getpass.getpass("Password (again): ")
        if not hmac.compare_digest(password.encode(), again.encode()):
            raise CommandError("The two passwords differ.")
        return password
