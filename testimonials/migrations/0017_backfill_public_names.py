"""Store the name each story is shown under, which its authorization now
covers together with the text. The rule is copied here as it stood, so
that later changes to `display_name_for` do not change this migration."""

from django.db import migrations


def display_name_for(author_name, preference):
    parts = author_name.split()
    if preference == "anonymous" or not parts:
        return "Anonymous patient"
    if preference == "full_name":
        return " ".join(parts)
    if preference == "initials":
        return " ".join(f"{part[0].upper()}." for part in parts)
    if len(parts) == 1:
        return parts[0]
    return f"{parts[0]} {parts[-1][0].upper()}."


def backfill(apps, schema_editor):
    Testimonial = apps.get_model("testimonials", "Testimonial")
    for testimonial in Testimonial.objects.filter(public_name="").exclude(author_name="").iterator():
        Testimonial.objects.filter(pk=testimonial.pk).update(
            public_name=display_name_for(testimonial.author_name, testimonial.display_preference)
        )


class Migration(migrations.Migration):

    dependencies = [
        ("testimonials", "0016_testimonial_public_name"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
