"""`manage.py train_screening_model` (`make model`): train the learned
screening layer on the corpus' train split, thresholds from validation, and
write the artefact that ships with the code."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from moderation.screening.learned import services


class Command(BaseCommand):
    help = (
        "Train the learned screening layer on the corpus' train split, choose each kind's "
        "threshold on its validation split, and write the artefact shipped with the code "
        "(`make model`). Deterministic: the same files give the same version."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        corpus = Path(settings.SCREENING_CORPUS_DIR)
        parser.add_argument("--train", type=Path, nargs="+", default=[corpus / "train.jsonl"])
        parser.add_argument(
            "--validation", type=Path, nargs="+", default=[corpus / "validation.jsonl"]
        )
        parser.add_argument("--output", type=Path, default=Path(settings.SCREENING_MODEL_ARTIFACT))

    def handle(self, *args: Any, **options: Any) -> None:
        missing = [str(p) for p in (*options["train"], *options["validation"]) if not p.is_file()]
        if missing:
            raise CommandError(f"No such file: {', '.join(missing)}")
        model = services.build(options["train"], options["validation"])
        services.write_artifact(model, options["output"])
        self.stdout.write(f"model {model.version} written to {options['output']}")
        for kind, figures in model.metadata["validation_figures"].items():
            self.stdout.write(
                f"  {kind:<14} threshold {model.thresholds[kind]:.3f}  validation "
                f"P {figures['precision']}  R {figures['recall']}  "
                f"({figures['positives']} positives of {figures['items']})"
            )
