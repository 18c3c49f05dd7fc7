from django.db import migrations, models


class Migration(migrations.Migration):
    """A content-based reason for declining a story whose health claim
    cannot be published, the alternative to a typical-results statement."""

    dependencies = [
        ("testimonials", "0010_topic_publishing_mode"),
    ]

    operations = [
        migrations.AlterField(
            model_name="testimonial",
            name="rejection_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("personal_data", "Contains personal data that cannot be redacted"),
                    ("profanity_abuse", "Profanity or abuse"),
                    ("spam", "Spam or advertising"),
                    ("off_topic", "Not about the treatment or the clinic"),
                    ("duplicate", "Duplicate of an earlier story"),
                    ("no_consent", "No valid consent"),
                    (
                        "medical_claim",
                        "A health claim that cannot be published (a cure, a guarantee)",
                    ),
                    ("other", "Other (see note)"),
                ],
                max_length=20,
            ),
        ),
    ]
