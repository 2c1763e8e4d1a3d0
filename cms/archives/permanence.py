"""永久保存: household archives are never deleted, by anyone, by any path.

Every deleting path asks ``refuse_if_archives_within`` first: the page models'
``delete``, every page queryset's ``delete`` (``guard_page_querysets``) and the
admin guards. The ``pre_delete`` receiver is the last line for anything else: it
stops the deletion before any row is removed.
"""

from django.db.models import Q
from simple_history.models import HistoricalRecords
from wagtail.query import PageQuerySet

from cms.archives.models import ArchiveDeletionRefused, DeletionAttempt, HouseholdArchive


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
    return DeletionAttempt.objects.create(
        user=user or current_user(),
        page_id_attempted=page.pk,
        page_title=page.title[:255],
        via=via,
    )


def refuse_if_archives_within(pages, via, user=None):
    """Record the attempt and raise ``ArchiveDeletionRefused`` when ``pages`` hold archives."""
    pages = list(pages)
    if not archives_within(pages).exists():
        return
    for page in pages:
        record_deletion_attempt(page, via, user)
    raise ArchiveDeletionRefused()


def refuse_archive_row_deletion(sender, instance, **kwargs):
    raise ArchiveDeletionRefused()


class ArchiveMoveRefused(ArchiveDeletionRefused):
    message = "业户档案只能在档案库内按“小区→楼栋→房屋”移动，不能移出档案库。"


def refuse_moves_out_of_the_tree(sender, instance, parent_page_after, **kwargs):
    """Households, buildings and estates only ever move to a parent of the type they
    live under, so nothing holding archives leaves the archive tree (and its guards)."""
    if not archives_within([instance]).exists():
        return
    allowed = instance.specific_class.allowed_parent_page_models()
    if parent_page_after.specific_class in allowed:
        return
    record_deletion_attempt(instance, "move")
    raise ArchiveMoveRefused()


def guard_page_querysets():
    """Check archives before any page queryset delete, plain ``Page.objects`` included.

    Wagtail has no hook before a queryset delete, and treebeard lowers the parents'
    child counts before Django's delete signals run; refusing any later would leave
    the tree miscounted and the attempt unrecorded (its transaction rolls back).
    """
    unguarded_delete = PageQuerySet.delete
    if getattr(unguarded_delete, "guards_archives", False):
        return

    def delete(self, *args, **kwargs):
        refuse_if_archives_within(self, via="queryset")
        return unguarded_delete(self, *args, **kwargs)

    delete.guards_archives = True
    delete.alters_data = True
    delete.queryset_only = True
    PageQuerySet.delete = delete
