"""SQLite alters a table by building a new one and dropping the old, and the old
table's triggers go with it. A migration that alters an archive table must not leave
the archives unguarded until the end of the run: the triggers are back the moment the
table is rebuilt, and the database still refuses the delete. On PostgreSQL an altered
table keeps its triggers; the same test runs there."""

import pytest
from django.db import connection, models

from cms.archives import triggers
from cms.archives.models import ArchiveDeletionRefused, HouseholdArchive

TABLE = "archives_householdarchive"


def household_triggers():
    return {name for name in triggers.installed(connection) if "householdarchive" in name}


def altered(field, max_length):
    clone = models.CharField(field.verbose_name, max_length=max_length, blank=True)
    clone.set_attributes_from_name(field.name)
    clone.model = HouseholdArchive
    return clone


@pytest.mark.django_db(transaction=True)
def test_altering_the_household_table_keeps_its_triggers_in_the_same_step(archive_tree):
    before = household_triggers()
    assert before
    unit = HouseholdArchive._meta.get_field("unit")
    wider = altered(unit, 12)
    with connection.schema_editor() as editor:
        editor.alter_field(HouseholdArchive, unit, wider)
        assert household_triggers() == before
        with connection.cursor() as cursor, pytest.raises(ArchiveDeletionRefused):
            cursor.execute(f"DELETE FROM {TABLE}")
    with connection.schema_editor() as editor:
        editor.alter_field(HouseholdArchive, wider, unit)
    assert household_triggers() == before
    assert HouseholdArchive.objects.count() == 2
