"""Archive permissions: archivists file, import and read every archive (page permissions on
the archive root, without delete); managers approve readings and keep the register."""

from django.contrib.auth.models import Permission
from wagtail.models import GroupPagePermission, Page

from cms.archives.models import ArchiveRoot
from core.roles import ARCHIVIST, MANAGER, grant

ARCHIVIST_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]


def ensure_archive_root():
    """The one archive root, outside every site so that no URL can ever reach it."""
    root = ArchiveRoot.objects.first()
    if root is None:
        root = Page.get_first_root_node().add_child(
            instance=ArchiveRoot(title="业户档案库", slug="archives")
        )
    return root


def setup(groups):
    root = ensure_archive_root()
    archivist = groups[ARCHIVIST]
    grant(archivist, "archives.read_archive")
    for codename in ARCHIVIST_PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(
            group=archivist,
            page=root,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )
    grant(
        groups[MANAGER],
        "archives.approve_access",
        "archives.view_register",
        "archives.view_accessrecord",
        "archives.place_hold",
        "archives.view_hold",
    )
