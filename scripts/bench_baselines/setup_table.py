"""Create the baselines' table in the bench database (it has no migrations:
the bench database is dropped afterwards). Run from scripts/:
`python -m bench_baselines.setup_table`."""

import os

import django

os.environ["DJANGO_SETTINGS_MODULE"] = "bench_baselines.settings"
django.setup()

from django.db import connection  # noqa: E402

from bench_baselines.models import BaselineItem  # noqa: E402

if BaselineItem._meta.db_table not in connection.introspection.table_names():
    with connection.schema_editor() as editor:
        editor.create_model(BaselineItem)
