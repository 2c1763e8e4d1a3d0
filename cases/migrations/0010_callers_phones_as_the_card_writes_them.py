from django.db import migrations

from cms.archives.validators import normalized_phone


def write_phones_as_the_card_does(apps, schema_editor):
    """Cases taken before phones were normalised keep a caller's number as it was typed
    (138 2600 1201, １３８…): written as the card writes it, the caller is found by number
    and no longer listed as a contact change to check."""
    Case = apps.get_model("cases", "Case")
    for case in Case.objects.exclude(reporter_phone="").only("pk", "reporter_phone").iterator():
        phone = normalized_phone(case.reporter_phone)
        if phone != case.reporter_phone:
            Case.objects.filter(pk=case.pk).update(reporter_phone=phone)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0009_month_figures_counted_in"),
    ]

    operations = [
        migrations.RunPython(write_phones_as_the_card_does, migrations.RunPython.noop),
    ]
