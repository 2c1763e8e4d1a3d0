"""永久保存: household archives are never deleted, by anyone, by any path.

The database refuses first and last (``triggers``): no row of the archive tree is
deleted whatever the code does. The application explains and records before it
gets there: the archive pages' ``delete`` and their querysets' ``delete``, the
admin's delete and bulk-delete hooks, and a ``pre_delete`` receiver ask
``refuse_if_archives_within``; every refusal is recorded outside the refused
transaction (``guards.record_refusal``).
"""

from django.db.models import Q
from simple_history.models import HistoricalRecords

from cms.archives.guards import record_refusal
from cms.archives.models import ArchiveDeletionRefused, HouseholdArchive


def archive_root_paths():
    from cms.archives.models import ArchiveRoot

    return list(ArchiveRoot.objects.values_list("path", flat=True))


def in_archive_tree(page):
    """Whether ``page`` is the archive root or lies under it (the database's own test)."""
    return any(page.path.startswith(root) for root in archive_root_paths())


def archives_within(pages):
    """Household archives among ``pages`` and their descendants."""
    paths = [page.path for page in pages]
    if not paths:
        return HouseholdArchive.objects.none()
    query = Q()
    for path in paths:
        query |= Q(path__startswith=path)
    return HouseholdArchive.objects.filter(query)


def current_user():
    """The signed-in user of the request being served, when there is one."""
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def record_deletion_attempt(page, via, user=None):
    record_refusal(page.pk, page.title, via, user or current_user())


def refuse_if_archives_within(pages, via, user=None):
    """Record the attempt and raise ``ArchiveDeletionRefused`` when ``pages`` hold archives
    or belong to the archive tree (its estates and buildings are kept as well)."""
    pages = list(pages)
    roots = archive_root_paths()
    in_tree = any(page.path.startswith(root) for page in pages for root in roots)
    if not in_tree and not archives_within(pages).exists():
        return
    for page in pages:
        record_deletion_attempt(page, via, user)
    raise ArchiveDeletionRefused()


def refuse_archive_row_deletion(sender, instance, **kwargs):
    record_deletion_attempt(instance, "signal")
    raise ArchiveDeletionRefused()


class ArchiveMoveRefused(ArchiveDeletionRefused):
    message = "业户档案只能在档案库内按“小区→楼栋→房屋”移动，不能移出档案库。"


def refuse_moves_out_of_the_tree(sender, instance, parent_page_after, **kwargs):
    """Within the archive tree only a room moves, to another building; the root,
    estates and buildings keep their place, so nothing leaves the tree (and its
    guards) and no household is left without its building. The database refuses
    the same (``triggers``)."""
    if not in_archive_tree(instance) and not archives_within([instance]).exists():
        return
    from cms.archives.models import Building, HouseholdArchive

    moving_a_room = instance.specific_class is HouseholdArchive
    if moving_a_room and parent_page_after.specific_class is Building:
        return
    record_deletion_attempt(instance, "move")
    raise ArchiveMoveRefused()


def keep_archive_revisions(sender, instance, **kwargs):
    """Archive revisions hold earlier phone numbers and owners: never purged.
    ``ProtectedError`` is what ``purge_revisions`` expects and counts as ignored."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import ProtectedError
    from wagtail.models import Page

    if instance.base_content_type_id != ContentType.objects.get_for_model(Page).pk:
        return
    page = Page.objects.filter(pk=instance.object_id).only("path").first()
    if page is not None and in_archive_tree(page):
        raise ProtectedError("业户档案的修订版本永久保存，不能删除。", [instance])
