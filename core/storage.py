"""Storage for confidential files: archive papers, case evidence, notices.

Files live under ``settings.PRIVATE_MEDIA_ROOT`` (outside MEDIA_ROOT), have no
URL and are served only by the permission-checked views of their area. The
folder is read on every access, so tests and deployments can point it elsewhere.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible(path="core.storage.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    def __init__(self, area=""):
        self.area = area
        super().__init__()

    @property
    def base_location(self):
        return os.path.join(settings.PRIVATE_MEDIA_ROOT, self.area)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("保密文件不提供直接链接，请通过页面中的下载按钮获取。")
