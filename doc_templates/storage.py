"""Private storage for templates, issued notices and delivery photos.

Files live under ``settings.PRIVATE_MEDIA_ROOT`` (outside MEDIA_ROOT) and are
served only by permission-checked views; the folder is read on every access so
tests and deployments can point it elsewhere.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible(path="doc_templates.storage.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    @property
    def base_location(self):
        return os.path.join(settings.PRIVATE_MEDIA_ROOT, "notices")

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("私有文件不提供直接链接，请通过下载页面获取。")


private_storage = PrivateStorage()
