from django.db import migrations, models


class Migration(migrations.Migration):
    """Each topic says how its stories are chosen. Existing topics stay
    "Selected patient stories": what moderators did until now, labelled."""

    dependencies = [
        ("testimonials", "0009_webhook_endpoints_and_deliveries"),
    ]

    operations = [
        migrations.AddField(
            model_name="topic",
            name="publishing_mode",
            field=models.CharField(
                choices=[("selected", "Selected patient stories"), ("all", "All reviews")],
                default="selected",
                help_text="Selected: the clinic picks stories and the pages say so. All reviews: "
                "every story is shown unless declined for a content-based reason (never 'other').",
                max_length=20,
            ),
        ),
        migrations.AddConstraint(
            model_name="topic",
            constraint=models.CheckConstraint(
                condition=models.Q(("publishing_mode__in", ["selected", "all"])),
                name="topic_publishing_mode_valid",
            ),
        ),
    ]
