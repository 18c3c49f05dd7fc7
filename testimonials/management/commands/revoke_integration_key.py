"""`manage.py revoke_integration_key PREFIX`: a practice system's key stops
working at once (a leaked key, a system retired)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from testimonials.visits import integration_keys


class Command(BaseCommand):
    help = (
        "Revoke the integration key whose prefix (as create_integration_key and the admin "
        "show it, e.g. tik_AbCdEfGh) starts with PREFIX. Visits it sent stay."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("prefix", help="The key's prefix, or enough of it to be unique.")

    def handle(self, *args: Any, **options: Any) -> None:
        prefix = options["prefix"]
        found = integration_keys.integration_keys_with_prefix(prefix)
        if not found:
            raise CommandError(f"No integration key starts with {prefix!r}.")
        if len(found) > 1:
            shown = ", ".join(f"{key.key_prefix}… ({key.name})" for key in found)
            raise CommandError(
                f"{len(found)} integration keys start with {prefix!r}: {shown}. "
                "Give more of the prefix."
            )
        key = found[0]
        if not integration_keys.integration_key_revoke(integration_key=key):
            self.stdout.write(
                f"Integration key {key.key_prefix}… ({key.name}) was revoked already, "
                f"on {key.revoked_at:%Y-%m-%d %H:%M} UTC."
            )
            return
        self.stdout.write(
            f"Revoked integration key {key.key_prefix}… ({key.name}): it opens nothing from now on."
        )
