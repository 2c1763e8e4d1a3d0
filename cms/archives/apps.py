from django.apps import AppConfig
from django.db.models.signals import pre_delete


class ArchivesConfig(AppConfig):
    name = "cms.archives"
    label = "archives"
    verbose_name = "业户档案"

    def ready(self):
        from django.db import connections
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate, pre_migrate
        from wagtail.signals import pre_page_move

        from cms.archives.guards import watch_connection
        from cms.archives.models import HouseholdArchive
        from cms.archives.permanence import (
            refuse_archive_row_deletion,
            refuse_moves_out_of_the_tree,
        )
        from cms.archives.triggers import refuse_unapplying_the_guards, reinstall_after_migrate

        connection_created.connect(watch_connection, dispatch_uid="archives_watch_refusals")
        for connection in connections.all(initialized_only=True):
            watch_connection(None, connection)
        post_migrate.connect(reinstall_after_migrate, dispatch_uid="archives_triggers_stay")
        pre_migrate.connect(
            refuse_unapplying_the_guards, dispatch_uid="archives_guards_not_unapplied"
        )

        pre_delete.connect(
            refuse_archive_row_deletion,
            sender=HouseholdArchive,
            dispatch_uid="archives_never_deleted",
        )
        from wagtail.models import Revision

        from cms.archives.permanence import keep_archive_revisions

        pre_delete.connect(
            keep_archive_revisions, sender=Revision, dispatch_uid="archive_revisions_kept"
        )
        pre_page_move.connect(refuse_moves_out_of_the_tree, dispatch_uid="archives_stay_in_tree")

        from wagtail.signals import page_published

        from cms.archives.admin_search_entries import refresh_rooms_under
        from cms.archives.models import Building, Estate

        for parent in (Estate, Building):
            page_published.connect(
                refresh_rooms_under, sender=parent, dispatch_uid=f"rooms_renamed_{parent.__name__}"
            )
