"""Pages through the API: nothing is deleted here, and an attempt on an owner archive
(永久保存) is refused and recorded like every other deletion path."""

from wagtail.models import Page

from api.errors import ApiError
from cms.archives.permanence import archives_within, record_deletion_attempt

DELETION_VIA = "api"


def refuse_page_deletion(page_id, user):
    """Always refuses; records the attempt when the page is or holds archives."""
    page = Page.objects.filter(pk=page_id).first()
    if page is not None and archives_within([page]).exists():
        record_deletion_attempt(page, via=DELETION_VIA, user=user)
        raise ApiError(
            403, "archive_permanent", "业户档案永久保存，任何人不能删除；此次删除尝试已记录。"
        )
    raise ApiError(405, "method_not_allowed", "接口不提供删除页面。")
