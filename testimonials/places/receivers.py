"""A place edited anywhere (the admin, an import, a shell) changes what the
public reads show: a location's name and slug, whether it publishes, its
clinicians. After the edit commits, the publication generation moves on,
so no cached answer outlives it."""

import logging
from typing import Any

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from testimonials.models import Clinician, Location, Organisation
from testimonials.publishing import generation

logger = logging.getLogger(__name__)

_DISPATCH_PREFIX = "testimonials-places-"


def _place_changed(**kwargs: Any) -> None:
    if kwargs.get("action", "post_").startswith("pre_"):
        return
    transaction.on_commit(_bump)


def _bump() -> None:
    # Like every after-commit hook of publishing: never raises.
    try:
        generation.publication_cache_bump()
    except Exception as exc:
        logger.warning(
            "could not bump the publication cache after a place edit (%s)", type(exc).__name__
        )


def connect() -> None:
    for model in (Organisation, Location, Clinician):
        name = model.__name__
        post_save.connect(_place_changed, sender=model, dispatch_uid=f"{_DISPATCH_PREFIX}s-{name}")
        post_delete.connect(
            _place_changed, sender=model, dispatch_uid=f"{_DISPATCH_PREFIX}d-{name}"
        )
    m2m_changed.connect(
        _place_changed,
        sender=Clinician.locations.through,
        dispatch_uid=f"{_DISPATCH_PREFIX}clinician-locations",
    )
