from django.apps import AppConfig
from django.db.models.signals import pre_delete


class ArchivesConfig(AppConfig):
    name = "cms.archives"
    label = "archives"
    verbose_name = "业户档案"

    def ready(self):
        from wagtail.signals import pre_page_move

        from cms.archives.models import HouseholdArchive
        from cms.archives.permanence import (
            guard_page_querysets,
            refuse_archive_row_deletion,
            refuse_moves_out_of_the_tree,
        )

        guard_page_querysets()

        pre_delete.connect(
            refuse_archive_row_deletion,
            sender=HouseholdArchive,
            dispatch_uid="archives_never_deleted",
        )
        pre_page_move.connect(refuse_moves_out_of_the_tree, dispatch_uid="archives_stay_in_tree")
