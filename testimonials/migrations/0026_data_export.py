"""The record of every export of stories (who, when, what, how many)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('testimonials', '0025_authorization_request'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='DataExport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('actor_label', models.CharField(help_text="A username, or 'command:…'.", max_length=150)),
                ('scope', models.CharField(choices=[('published', 'Published stories'), ('all', 'All stories, with personal data')], max_length=20)),
                ('format', models.CharField(max_length=10)),
                ('count', models.PositiveIntegerField()),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.AddField(
            model_name='dataexport',
            name='actor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddConstraint(
            model_name='dataexport',
            constraint=models.CheckConstraint(condition=models.Q(('scope__in', ['published', 'all'])), name='data_export_scope_valid'),
        ),
    ]
