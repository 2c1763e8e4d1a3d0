from django.db import migrations

from cases.seed import TOPICS, calendar_days


def seed(apps, schema_editor):
    CaseTopic = apps.get_model("cases", "CaseTopic")
    CalendarDay = apps.get_model("cases", "CalendarDay")
    for order, name in enumerate(TOPICS, start=1):
        CaseTopic.objects.get_or_create(name=name, defaults={"sort_order": order * 10})
    for date, is_working_day, name in calendar_days():
        CalendarDay.objects.update_or_create(
            date=date, defaults={"is_working_day": is_working_day, "name": name}
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
