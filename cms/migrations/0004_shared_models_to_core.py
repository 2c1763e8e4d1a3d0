"""Numbering and resubmission now belong to the core app (core/migrations/0001_initial.py);
their tables stay where they are."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0003_merge_0002_chinese_defaults_0002_submitted_form"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="NumberSequence"),
                migrations.DeleteModel(name="SubmittedForm"),
            ]
        )
    ]
