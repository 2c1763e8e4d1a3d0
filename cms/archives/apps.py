from django.apps import AppConfig


class ArchivesConfig(AppConfig):
    name = "cms.archives"
    label = "archives"
    verbose_name = "业户档案"
