"""Stepping the archive migrations back (a deploy rolled back) and forward again leaves the
archives guarded at every step; stepping back past the migration that installs the
database guards would take them away, so it is refused before anything is unapplied."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from cms.archives import triggers
from cms.archives.models import ArchiveDeletionRefused, HouseholdArchive

GUARDS_MIGRATION = "0005_register_chain_and_database_guards"


def all_triggers_installed():
    return set(triggers._expected_names(connection.vendor)) <= triggers.installed(connection)


def refuses_the_delete():
    with connection.cursor() as cursor, pytest.raises(ArchiveDeletionRefused):
        cursor.execute("DELETE FROM archives_householdarchive")
    return HouseholdArchive.objects.count() == 2


def applied():
    return set(MigrationRecorder(connection).applied_migrations())


@pytest.mark.django_db(transaction=True)
def test_back_to_the_guards_and_forward_again_stays_guarded(archive_tree):
    try:
        call_command("migrate", "archives", GUARDS_MIGRATION, verbosity=0)
        assert all_triggers_installed() and refuses_the_delete()
    finally:
        call_command("migrate", verbosity=0)
    assert all_triggers_installed() and refuses_the_delete()


@pytest.mark.django_db(transaction=True)
def test_back_past_the_guards_is_refused_before_anything_changes(archive_tree):
    before = applied()
    try:
        with pytest.raises(CommandError, match="数据库保护"):
            call_command("migrate", "archives", "0004_grant_statuses", verbosity=0)
        assert applied() == before
    finally:
        call_command("migrate", verbosity=0)
    assert all_triggers_installed() and refuses_the_delete()
