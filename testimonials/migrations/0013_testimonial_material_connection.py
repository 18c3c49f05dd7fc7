from django.db import migrations, models

CONNECTIONS = ["none", "employee", "staff_family", "discount", "gift", "other"]


class Migration(migrations.Migration):
    """A story's material connection to the clinic, as declared or set, and
    the incentive its invitation offered; both are published with it.
    Existing stories were never asked: blank."""

    dependencies = [
        ("testimonials", "0012_typical_results_statements"),
    ]

    operations = [
        migrations.AddField(
            model_name="testimonial",
            name="material_connection",
            field=models.CharField(
                blank=True,
                choices=[
                    ("none", "No connection"),
                    ("employee", "Works for the clinic"),
                    ("staff_family", "Family of clinic staff"),
                    ("discount", "Received a discount"),
                    ("gift", "Received a gift or payment"),
                    ("other", "Other connection"),
                ],
                help_text="As the patient declared it or a moderator set it; blank when never "
                "asked.",
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="testimonial",
            name="material_connection_detail",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="testimonial",
            name="incentive",
            field=models.CharField(
                blank=True,
                help_text="What the invitation offered every invitee for sharing a story; "
                "published.",
                max_length=200,
            ),
        ),
        migrations.AddConstraint(
            model_name="testimonial",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("material_connection", ""),
                    ("material_connection__in", CONNECTIONS),
                    _connector="OR",
                ),
                name="testimonial_material_connection_valid",
            ),
        ),
    ]
