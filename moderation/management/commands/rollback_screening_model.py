"""`manage.py rollback_screening_model`: screen with the model that was
active before the current one."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from moderation.screening.learned import services


class Command(BaseCommand):
    help = "Re-activate the screening model that was active before the current one."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            services.rollback()
        except services.NothingToRollBack as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"screening with {services.active_description()}")
