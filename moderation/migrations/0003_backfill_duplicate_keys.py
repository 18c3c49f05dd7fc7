"""Give stories screened before duplicate keys existed their keys, so that
new submissions are compared with them too. Uses the screener's own key
function: a later change to how keys are computed needs a new backfill."""

from django.db import migrations

BATCH = 500


def backfill(apps, schema_editor):
    from moderation.screening.duplicate import lookup_keys

    Testimonial = apps.get_model("testimonials", "Testimonial")
    DuplicateKey = apps.get_model("moderation", "DuplicateKey")
    rows = []
    for pk, body in Testimonial.objects.order_by("pk").values_list("pk", "body").iterator():
        rows.extend(DuplicateKey(testimonial_id=pk, key=key) for key in lookup_keys(body))
        if len(rows) >= BATCH:
            DuplicateKey.objects.bulk_create(rows, ignore_conflicts=True)
            rows = []
    DuplicateKey.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):

    dependencies = [
        ("moderation", "0002_duplicate_keys"),
        ("testimonials", "0004_testimonial_suggested_body"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
