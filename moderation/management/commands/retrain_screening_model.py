"""`manage.py retrain_screening_model`: train a candidate on the corpus and the
clinic's moderators' decisions; activate it only if the gate passes."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from moderation.screening.learned import services


class Command(BaseCommand):
    help = (
        "Train a candidate screening model on the corpus' train split and the moderators' "
        "older decisions; activate it only if it does at least as well as the active model "
        "on the frozen test split and on recent decisions."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            row = services.retrain()
        except services.CorpusMissing as exc:
            raise CommandError(str(exc)) from exc
        if row.is_active:
            self.stdout.write(f"model {row.version} is active")
        else:
            self.stdout.write(f"model {row.version} refused: {row.refused_because or 'kept'}")
        self.stdout.write(f"screening with {services.active_description()}")
