"""Move the plain-text tokens of REST framework's authtoken app (installed
until now) into hashed ApiTokens, then drop its table.

A plain-text key cannot be handed out again after hashing, so each old key
is stored as the hash of itself: the tools that hold it keep working, now
with an expiry of API_TOKEN_TTL_DAYS from this migration. The old table is
read with SQL because its app is no longer installed; on a database that
never had it, there is nothing to do. One way only: plain text is not
brought back.
"""

import hashlib
from datetime import UTC

from django.conf import settings
from django.db import migrations
from django.utils import timezone
from django.utils.dateparse import parse_datetime

LEGACY_TABLE = "authtoken_token"
LEGACY_NAME = "API token from before hashing"


def _aware(created):
    """The legacy row's creation time as an aware datetime (SQLite hands
    back a naive UTC one, or text)."""
    if isinstance(created, str):
        created = parse_datetime(created)
    if created is None:
        return timezone.now()
    return created if timezone.is_aware(created) else created.replace(tzinfo=UTC)


def hash_legacy_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if LEGACY_TABLE not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("moderation", "ApiToken")
    table = schema_editor.quote_name(LEGACY_TABLE)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {schema_editor.quote_name('key')}, created, user_id FROM {table}")  # noqa: S608
        legacy = cursor.fetchall()
    expires_at = timezone.now() + settings.API_TOKEN_TTL
    ApiToken.objects.bulk_create(
        [
            ApiToken(
                user_id=user_id,
                name=LEGACY_NAME,
                key_hash=hashlib.sha256(key.encode()).hexdigest(),
                created_at=_aware(created),
                expires_at=expires_at,
            )
            for key, created, user_id in legacy
        ],
        ignore_conflicts=True,
    )
    schema_editor.execute(schema_editor.sql_delete_table % {"table": table})
    # So that installing the app again would create its table afresh.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = %s", ["authtoken"])


class Migration(migrations.Migration):

    dependencies = [
        ("moderation", "0005_api_tokens"),
    ]

    operations = [
        migrations.RunPython(hash_legacy_tokens, migrations.RunPython.noop, elidable=False),
    ]
