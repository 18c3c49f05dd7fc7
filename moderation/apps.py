"""The moderation app: keeps its groups in step after every `migrate`, and
ends an account's sessions and API tokens when its password changes or it is
deactivated (`moderation.accounts.sign_outs`), and notes when a password was
set (`moderation.accounts.passwords`).

A submission reaches moderation by task name
(`moderation.tasks.screen_testimonial`), so nothing needs registering here.
"""

from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_migrate, post_save, pre_save


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        from moderation.accounts import passwords, sign_outs

        post_migrate.connect(_ensure_moderators_group, sender=self)
        # A changed password or a deactivation ends the account's sessions
        # and API tokens.
        pre_save.connect(sign_outs.note_credential_change, sender=settings.AUTH_USER_MODEL)
        post_save.connect(sign_outs.end_credentials_after_change, sender=settings.AUTH_USER_MODEL)
        # When the password was set opens the window for a first authenticator.
        pre_save.connect(passwords.note_password_set, sender=settings.AUTH_USER_MODEL)
        post_save.connect(passwords.record_password_set, sender=settings.AUTH_USER_MODEL)


def _ensure_moderators_group(**kwargs: object) -> None:
    from moderation.accounts.groups import (
        clinic_admins_group_ensure,
        moderators_group_ensure,
        reviewers_group_ensure,
    )

    moderators_group_ensure()
    clinic_admins_group_ensure()
    reviewers_group_ensure()
