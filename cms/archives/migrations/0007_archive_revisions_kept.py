from django.db import migrations


def install_triggers(apps, schema_editor):
    from cms.archives import triggers

    triggers.install(schema_editor.connection)


class Migration(migrations.Migration):
    """Archive page revisions join the rows the database never deletes."""

    dependencies = [
        ("archives", "0006_paper_superseded"),
    ]

    operations = [migrations.RunPython(install_triggers, migrations.RunPython.noop)]
