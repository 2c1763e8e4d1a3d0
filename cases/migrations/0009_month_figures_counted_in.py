from django.db import migrations, models
from django.db.models import F


def forget_kept_details(apps, schema_editor):
    """Kept month figures were labelled for display; they are now kept by stored value,
    so the months kept before are counted again on their next reading."""
    MonthSummary = apps.get_model("cases", "MonthSummary")
    MonthSummary.objects.update(details=None, generation=F("generation") + 1)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_month_summary_generation"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["topic", "reporter_name", "received_at"], name="case_counting_key_idx"
            ),
        ),
        migrations.RunPython(forget_kept_details, migrations.RunPython.noop),
    ]
