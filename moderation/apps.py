from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        # The one place where the patients' side reaches moderation: after a
        # submission commits, `testimonials` calls the hook we register here.
        from moderation.services import screening_enqueue
        from testimonials import hooks

        hooks.register_screening_hook(screening_enqueue)
        post_migrate.connect(_ensure_moderators_group, sender=self)


def _ensure_moderators_group(**kwargs: object) -> None:
    from moderation.services import clinic_admins_group_ensure, moderators_group_ensure

    moderators_group_ensure()
    clinic_admins_group_ensure()
