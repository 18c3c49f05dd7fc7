"""How a topic's stories are chosen: a topic's own setting, and the one an
organisation gives its new topics."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PublishingMode(models.TextChoices):
    """How a topic's stories are chosen, told to every reader (16 CFR 465.7)."""

    SELECTED = "selected", _("Selected patient stories")
    ALL = "all", _("All reviews")
