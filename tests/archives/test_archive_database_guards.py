"""The database itself refuses: every way around the application (base managers, raw
SQL, ``_raw_delete``, treebeard, ``bulk_create`` conflicts, path rewrites) leaves the
archive rows, the tree and the register as they were, and each refusal is recorded
even when the caller's transaction rolls back. Run on SQLite and on PostgreSQL."""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from wagtail.models import Page, Site

from cms.archives import policy, triggers
from cms.archives.models import (
    AccessRecord,
    ArchiveDeletionRefused,
    ArchiveRoot,
    Building,
    DeletionAttempt,
    Estate,
    HouseholdArchive,
)
from core.append_only import AppendOnlyError

pytestmark = pytest.mark.django_db

REFUSED = (ArchiveDeletionRefused, DatabaseError)


def tree_snapshot():
    return list(Page.objects.order_by("path").values_list("id", "path", "depth", "numchild"))


def assert_refused(bypass, refusal=REFUSED):
    with pytest.raises(refusal), transaction.atomic():
        bypass()


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def tree(archive_tree):
    archive_tree["before"] = tree_snapshot()
    return archive_tree


def assert_tree_intact(tree):
    assert tree_snapshot() == tree["before"]
    assert HouseholdArchive.objects.count() == 2
    assert Building.objects.count() == 2 and Estate.objects.count() == 1
    for household in HouseholdArchive.objects.all():
        assert household.get_parent().specific_class is Building
        assert household.address


class TestArchiveRowsStay:
    def test_base_manager_delete_of_a_household(self, tree):
        assert_refused(
            lambda: HouseholdArchive._base_manager.filter(pk=tree["household"].pk).delete()
        )
        assert_tree_intact(tree)

    def test_base_manager_delete_of_a_building_orphans_nothing(self, tree):
        assert_refused(lambda: Building._base_manager.filter(pk=tree["building_a"].pk).delete())
        assert_tree_intact(tree)

    def test_raw_delete(self, tree):
        def bypass():
            queryset = Building._base_manager.filter(pk=tree["building_b"].pk)
            queryset._raw_delete(queryset.db)

        assert_refused(bypass)
        assert_refused(lambda: Page.objects.filter(pk=tree["household"].pk)._raw_delete("default"))
        assert_tree_intact(tree)

    @pytest.mark.parametrize(
        "sql",
        [
            "DELETE FROM archives_householdarchive",
            "DELETE FROM archives_estate",
            "DELETE FROM wagtailcore_page WHERE id = {building}",
            "DELETE FROM wagtailcore_page WHERE id = {root}",
        ],
    )
    def test_raw_sql(self, tree, sql):
        statement = sql.format(building=tree["building_a"].pk, root=tree["root"].pk)
        assert_refused(lambda: raw(statement))
        assert_tree_intact(tree)

    def test_treebeard_queryset_delete_leaves_the_counts_right(self, tree):
        assert_refused(lambda: Page.objects.filter(pk=tree["building_a"].pk).delete())
        assert_refused(lambda: Page.objects.get(pk=tree["estate"].pk).delete())
        assert_tree_intact(tree)

    def test_an_empty_building_is_kept_too(self, tree):
        empty = tree["estate"].add_child(instance=Building(title="9栋", slug="b9"))
        assert_refused(lambda: raw("DELETE FROM wagtailcore_page WHERE id = %s", [empty.pk]))
        assert Building.objects.filter(pk=empty.pk).exists()

    def test_a_public_page_can_still_be_deleted(self, tree):
        home = Site.objects.get(is_default_site=True).root_page
        news = home.add_child(instance=Page(title="通知", slug="news"))
        Page.objects.filter(pk=news.pk).delete()
        assert not Page.objects.filter(pk=news.pk).exists()


class TestTreeStaysWhole:
    def test_path_update_detaching_a_building(self, tree):
        building = tree["building_a"]
        new_path = tree["estate"].path + "0099"
        assert_refused(lambda: Page.objects.filter(pk=building.pk).update(path=new_path))
        assert_tree_intact(tree)

    def test_archive_root_cannot_move_under_the_public_site(self, tree):
        home = Site.objects.get(is_default_site=True).root_page
        other = Page.get_first_root_node().add_child(instance=Page(title="官网", slug="site"))
        root = ArchiveRoot.objects.get()
        assert_refused(lambda: root.move(other, pos="last-child"))
        assert_refused(
            lambda: Page.objects.filter(pk=root.pk).update(
                path=other.path + "0001", depth=other.depth + 1
            )
        )
        assert ArchiveRoot.objects.get().get_parent().pk == home.pk

    def test_a_building_with_households_does_not_move(self, tree):
        second = tree["root"].add_child(instance=Estate(title="桂语江南", slug="guiyu"))
        before = tree_snapshot()
        assert_refused(
            lambda: Building.objects.get(pk=tree["building_a"].pk).move(second, "last-child")
        )
        assert tree_snapshot() == before

    def test_a_room_still_moves_between_buildings(self, tree):
        household = HouseholdArchive.objects.get(pk=tree["household"].pk)
        household.move(tree["building_b"], pos="last-child")
        assert (
            HouseholdArchive.objects.get(pk=household.pk).get_parent().pk == tree["building_b"].pk
        )


class TestRegisterStays:
    @pytest.fixture
    def record(self, users, tree):
        return policy.record_access(users["archivist"], tree["household"], "admin")

    def test_base_manager_update_and_delete(self, record):
        assert_refused(
            lambda: AccessRecord._base_manager.filter(pk=record.pk).update(via="forged"),
            (AppendOnlyError, DatabaseError),
        )
        assert_refused(
            lambda: AccessRecord._base_manager.filter(pk=record.pk).delete(),
            (AppendOnlyError, DatabaseError),
        )
        assert AccessRecord.objects.get(pk=record.pk).via == "admin"

    def test_bulk_create_update_conflicts(self, record):
        forged = AccessRecord(
            pk=record.pk,
            household_id=record.household_id,
            via="forged",
            accessed_at=timezone.now(),
            ip_address="10.0.0.1",
        )

        def bypass():
            AccessRecord.objects.bulk_create(
                [forged],
                update_conflicts=True,
                unique_fields=["id"],
                update_fields=["via", "ip_address", "user"],
            )

        assert_refused(bypass, (AppendOnlyError, DatabaseError))
        kept = AccessRecord.objects.get(pk=record.pk)
        assert kept.via == "admin" and kept.ip_address is None

    @pytest.mark.parametrize(
        "sql",
        [
            "UPDATE archives_accessrecord SET via = 'forged'",
            "DELETE FROM archives_accessrecord",
            "UPDATE archives_deletionattempt SET via = 'forged'",
            "DELETE FROM archives_deletionattempt",
        ],
    )
    def test_raw_sql(self, record, tree, sql):
        with pytest.raises(ArchiveDeletionRefused):
            Building.objects.get(pk=tree["building_a"].pk).delete()
        assert_refused(lambda: raw(sql), (AppendOnlyError, DatabaseError))
        assert AccessRecord.objects.get(pk=record.pk).via == "admin"
        assert DeletionAttempt.objects.get().via == "model"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_truncate_is_refused(users, tree):
    record = policy.record_access(users["archivist"], tree["household"], "admin")
    with pytest.raises(AppendOnlyError):
        raw("TRUNCATE archives_accessrecord CASCADE")
    with pytest.raises(ArchiveDeletionRefused):
        raw("TRUNCATE wagtailcore_page CASCADE")
    assert AccessRecord.objects.filter(pk=record.pk).exists()
    assert_tree_intact(tree)


class Rollback(Exception):
    pass


@pytest.mark.django_db(transaction=True)
class TestRefusalsSurviveTheCallersRollback:
    def test_model_delete_inside_a_rolled_back_transaction(self, tree):
        with pytest.raises(Rollback), transaction.atomic():
            with pytest.raises(ArchiveDeletionRefused):
                HouseholdArchive.objects.get(pk=tree["household"].pk).delete()
            raise Rollback
        attempt = DeletionAttempt.objects.get()
        assert attempt.via == "model" and attempt.page_id_attempted == tree["household"].pk

    def test_database_refusal_inside_a_rolled_back_transaction(self, tree):
        with pytest.raises(ArchiveDeletionRefused), transaction.atomic():
            Building._base_manager.filter(pk=tree["building_a"].pk).delete()
        assert DeletionAttempt.objects.filter(via="database").count() == 1
        assert_tree_intact(tree)

    def test_refusal_kept_once_when_the_caller_commits(self, tree):
        with transaction.atomic():
            try:
                with transaction.atomic():
                    raw("DELETE FROM wagtailcore_page WHERE id = %s", [tree["estate"].pk])
            except ArchiveDeletionRefused:
                pass
        assert DeletionAttempt.objects.filter(via="database").count() == 1


@pytest.mark.django_db(transaction=True)
class TestTriggersAreThere:
    def test_migrations_installed_every_trigger(self):
        expected = set(triggers._expected_names(connection.vendor))
        assert expected and expected <= triggers.installed(connection)

    def test_teardown_switch_refuses_a_database_the_tests_did_not_create(self, monkeypatch):
        monkeypatch.setitem(connection.settings_dict, "NAME", "wuye")
        with pytest.raises(triggers.NotATestDatabase), triggers.test_teardown_switch():
            pass
        monkeypatch.undo()
        assert set(triggers._expected_names(connection.vendor)) <= triggers.installed(connection)


@pytest.mark.django_db(transaction=True)
class TestTamperEvidentRegister:
    def test_verify_register_names_the_first_broken_link(self, users, tree, capsys):
        records = [
            policy.record_access(users["archivist"], tree["household"], "admin") for _ in range(4)
        ]
        call_command("verify_register")
        assert "链条完整" in capsys.readouterr().out
        # What only a database administrator could do: lift the triggers and rewrite.
        triggers.remove(connection)
        try:
            raw("UPDATE archives_accessrecord SET via = 'read' WHERE id = %s", [records[2].pk])
            raw("DELETE FROM archives_accessrecord WHERE id = %s", [records[3].pk])
        finally:
            triggers.install(connection)
        with pytest.raises(CommandError, match=f"#{records[2].pk}（本条登记的内容被改动）"):
            call_command("verify_register")

    def test_removed_record_breaks_the_next_link(self, users, tree):
        from cms.archives.register import verify_chain

        records = [
            policy.record_access(users["archivist"], tree["household"], "admin") for _ in range(3)
        ]
        triggers.remove(connection)
        try:
            raw("DELETE FROM archives_accessrecord WHERE id = %s", [records[1].pk])
        finally:
            triggers.install(connection)
        report = verify_chain()
        assert not report.ok and report.broken_record_id == records[2].pk


@pytest.mark.django_db(transaction=True)
class TestRevisionsStay:
    def test_purge_revisions_keeps_every_archive_revision(self, users, tree):
        from cms.archives import actions

        owner = tree["household"].owners.get()
        actions.change_contact(owner, users["archivist"], "业主换号", phone="13900001111")
        actions.change_contact(owner, users["archivist"], "业主再次换号", phone="13900002222")
        household = HouseholdArchive.objects.get(pk=tree["household"].pk)
        before = household.revisions.count()
        assert before >= 2
        call_command("purge_revisions")
        assert household.revisions.count() == before
        oldest = household.revisions.order_by("created_at").first()
        assert_refused(lambda: raw("DELETE FROM wagtailcore_revision WHERE id = %s", [oldest.pk]))
        assert household.revisions.count() == before

    def test_other_revisions_are_still_purged(self, tree):
        home = Site.objects.get(is_default_site=True).root_page
        news = home.add_child(instance=Page(title="通知", slug="news"))
        news.save_revision()
        news.save_revision()
        call_command("purge_revisions")
        assert news.revisions.count() == 1
