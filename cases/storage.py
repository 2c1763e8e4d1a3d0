"""Private storage for case evidence (photos, letters): outside MEDIA_ROOT, served
only through the permission-checked download view of the case page."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible(path="cases.storage.EvidenceStorage")
class EvidenceStorage(FileSystemStorage):
    @property
    def base_location(self):
        return os.path.join(settings.PRIVATE_MEDIA_ROOT, "cases")

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("证据材料不提供直接链接，请在案件页面下载。")
