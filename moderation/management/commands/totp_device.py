"""`manage.py totp_device`: a moderator's second sign-in factor."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = (
        "Register a TOTP authenticator for a staff account, needed to sign in to the admin "
        "when ADMIN_REQUIRE_2FA is on (production). Prints the otpauth:// address to add to "
        "an authenticator app (or to show as a QR code) as the last line."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="authenticator", help="What to call the device.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No account named {options['username']!r}.")
        device = TOTPDevice.objects.create(user=user, name=options["name"], confirmed=True)
        self.stdout.write(f"Registered TOTP device {device.name!r} for {user.get_username()}.")
        self.stdout.write(str(device.config_url))
