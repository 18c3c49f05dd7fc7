"""The outbox of emails asking the patient of an imported story to authorize it."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('testimonials', '0024_testimonial_import_source'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuthorizationRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('sent_at', models.DateTimeField(blank=True, null=True)),
            ],
        ),
        migrations.AddField(
            model_name='authorizationrequest',
            name='testimonial',
            field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='authorization_request', to='testimonials.testimonial'),
        ),
    ]
