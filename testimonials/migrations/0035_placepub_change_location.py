"""The changes feed copies each story's location, as it copies its topic,
so a site of one organisation (location) and a `?location=` reader read
only their stories' changes, tombstones included."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_locations(apps, schema_editor):
    change_model = apps.get_model("testimonials", "PublicationChange")
    testimonial_model = apps.get_model("testimonials", "Testimonial")
    change_model.objects.filter(location__isnull=True, testimonial__isnull=False).update(
        location=Subquery(
            testimonial_model.objects.filter(pk=OuterRef("testimonial_id")).values("location_id")[
                :1
            ]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("testimonials", "0034_places_required"),
    ]

    operations = [
        migrations.AddField(
            model_name="publicationchange",
            name="location",
            field=models.ForeignKey(
                help_text="The story's location: which sites and `?location=` readers hear of it.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="testimonials.location",
            ),
        ),
        migrations.RunPython(copy_locations, migrations.RunPython.noop, elidable=False),
        migrations.AddIndex(
            model_name="publicationchange",
            index=models.Index(fields=["location", "id"], name="publication_change_loc_idx"),
        ),
    ]
