from django.apps import AppConfig
from django.db.models.signals import pre_delete


class ArchivesConfig(AppConfig):
    name = "cms.archives"
    label = "archives"
    verbose_name = "业户档案"

    def ready(self):
        from cms.archives.models import HouseholdArchive
        from cms.archives.permanence import refuse_archive_row_deletion

        pre_delete.connect(
            refuse_archive_row_deletion,
            sender=HouseholdArchive,
            dispatch_uid="archives_never_deleted",
        )
