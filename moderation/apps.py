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
        _register_screening_hook_until_testimonials_enqueues_by_name()
        post_migrate.connect(_ensure_moderators_group, sender=self)


def _register_screening_hook_until_testimonials_enqueues_by_name() -> None:
    # Transitional: `testimonials.hooks` goes when the submission service
    # enqueues `moderation.tasks.screen_testimonial` by name itself; this
    # registration then finds nothing to register with and does nothing.
    try:
        from testimonials import hooks
    except ImportError:
        return
    from moderation.intake.sweep import screening_enqueue

    hooks.register_screening_hook(screening_enqueue)


def _ensure_moderators_group(**kwargs: object) -> None:
    from moderation.accounts.groups import clinic_admins_group_ensure, moderators_group_ensure

    moderators_group_ensure()
    clinic_admins_group_ensure()
