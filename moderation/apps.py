"""The moderation app: keeps its groups in step after every `migrate`.

A submission reaches moderation by task name
(`moderation.tasks.screen_testimonial`), so nothing needs registering here.
"""

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        post_migrate.connect(_ensure_moderators_group, sender=self)


def _ensure_moderators_group(**kwargs: object) -> None:
    from moderation.accounts.groups import clinic_admins_group_ensure, moderators_group_ensure

    moderators_group_ensure()
    clinic_admins_group_ensure()
