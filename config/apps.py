"""The admin app configured with our own admin site (`config.admin`)."""

from django.contrib.admin.apps import AdminConfig


class ModerationAdminConfig(AdminConfig):
    """`django.contrib.admin` with our site (`config.admin`) as `admin.site`."""

    default_site = "config.admin.ModerationAdminSite"
