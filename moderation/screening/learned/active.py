"""Which learned model screens: the active `ScreeningModel` row when there
is one, else the artefact shipped in the repository.

Each screening asks the database for the active version (one indexed
query) and keeps the loaded model per process by version, so an activation
or a rollback reaches every worker at its next screening.
"""

import logging
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError

from moderation.models import ScreeningModel
from moderation.screening.learned.model import LearnedModel

logger = logging.getLogger(__name__)

_loaded: dict[str, LearnedModel] = {}


def shipped_model() -> LearnedModel:
    """The artefact in the repository (`SCREENING_MODEL_ARTIFACT`)."""
    return _artifact(str(settings.SCREENING_MODEL_ARTIFACT))


@cache
def _artifact(path: str) -> LearnedModel:
    return LearnedModel.from_bytes(Path(path).read_bytes())


def _active_version() -> str | None:
    try:
        return (
            ScreeningModel.objects.filter(is_active=True).values_list("version", flat=True).first()
        )
    except (DatabaseError, RuntimeError):
        # No database at hand: `manage.py screen` on a checkout that was never
        # migrated, or a process that screens without one. The shipped model
        # screens, and every result names it.
        return None


def active_model() -> LearnedModel:
    version = _active_version()
    if version is None:
        return shipped_model()
    model = _loaded.get(version)
    if model is None:
        row = ScreeningModel.objects.filter(version=version).values_list("artifact", flat=True)
        model = LearnedModel.from_bytes(bytes(row.get()))
        _loaded.clear()  # one model per process: the one before is not screening any more
        _loaded[version] = model
    return model
