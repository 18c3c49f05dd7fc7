"""Imported stories: where they came from, their key against importing twice,
and the consent an import may lack (only an import may)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('testimonials', '0023_testimonial_erasure'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='authorization',
            name='authorization_basis_valid',
        ),
        migrations.RemoveConstraint(
            model_name='testimonial',
            name='testimonial_consent_given',
        ),
        migrations.AddField(
            model_name='testimonial',
            name='consent_evidence',
            field=models.CharField(blank=True, help_text="What the other tool recorded of the patient's consent; blank when nothing.", max_length=300),
        ),
        migrations.AddField(
            model_name='testimonial',
            name='external_id',
            field=models.CharField(blank=True, help_text="The story's id in the tool it was imported from.", max_length=200),
        ),
        migrations.AddField(
            model_name='testimonial',
            name='import_key',
            field=models.CharField(blank=True, help_text='SHA-256 naming the imported row (source and id, or source, name, date and text), so that importing a file again adds nothing.', max_length=64, null=True, unique=True),
        ),
        migrations.AddField(
            model_name='testimonial',
            name='original_date',
            field=models.DateTimeField(blank=True, help_text='When the patient wrote it, as the other tool recorded.', null=True),
        ),
        migrations.AddField(
            model_name='testimonial',
            name='source',
            field=models.CharField(blank=True, help_text='The tool an imported story came from; blank for stories submitted here.', max_length=60),
        ),
        migrations.AlterField(
            model_name='authorization',
            name='basis',
            field=models.CharField(choices=[('signed', 'Signed by the patient with the story'), ('legacy', 'Consent given before authorizations were recorded'), ('redaction', "A moderator's redaction of the authorized text"), ('patient_approval', 'The patient approved an edited text'), ('narrowed', 'The patient narrowed it'), ('renewed', 'The patient renewed it'), ('imported', 'Consent recorded by another tool, imported'), ('requested', 'Signed by the patient when asked, after an import')], max_length=20),
        ),
        migrations.AlterField(
            model_name='testimonial',
            name='consent_to_publish',
            field=models.BooleanField(help_text='Always true for stories submitted here; false for an imported story whose tool recorded no consent, until the patient authorizes it.'),
        ),
        migrations.AlterField(
            model_name='testimonial',
            name='consented_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddConstraint(
            model_name='authorization',
            constraint=models.CheckConstraint(condition=models.Q(('basis__in', ['signed', 'legacy', 'redaction', 'patient_approval', 'narrowed', 'renewed', 'imported', 'requested'])), name='authorization_basis_valid'),
        ),
        migrations.AddConstraint(
            model_name='testimonial',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('consent_to_publish', True), ('consented_at__isnull', False)), models.Q(('consent_to_publish', False), models.Q(('source', ''), _negated=True)), _connector='OR'), name='testimonial_consent_given_or_imported'),
        ),
    ]
