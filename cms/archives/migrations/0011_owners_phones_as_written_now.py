from django.db import migrations

from cms.archives.validators import normalized_phone


def write_owners_phones_as_now(apps, schema_editor):
    """Owner cards saved before phones were normalised may hold a number in groups or in full
    width; written as the card writes them now, a caller's number matches them."""
    Owner = apps.get_model("archives", "Owner")
    for owner in Owner.objects.only("pk", "phone", "phone_alt").iterator():
        phones = {
            name: normalized_phone(getattr(owner, name))
            for name in ("phone", "phone_alt")
            if getattr(owner, name)
        }
        if any(phones[name] != getattr(owner, name) for name in phones):
            Owner.objects.filter(pk=owner.pk).update(**phones)


class Migration(migrations.Migration):
    dependencies = [
        ("archives", "0010_access_for_callback"),
    ]

    operations = [
        migrations.RunPython(write_owners_phones_as_now, migrations.RunPython.noop),
    ]
