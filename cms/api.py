"""Wagtail API v2 (read-only, public): endpoints are registered here by each area."""

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet

from cms.archives.policy import archive_tree_pages
from cms.replies.api import ReplyScriptsAPIViewSet


class PublicPagesAPIViewSet(PagesAPIViewSet):
    """The pages endpoint without the owner archives (绝密): no page of the archive
    tree, of whatever type, is listed, found, filtered on or fetched by id here."""

    def get_base_queryset(self):
        return super().get_base_queryset().exclude(pk__in=archive_tree_pages().values("pk"))


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("replies", ReplyScriptsAPIViewSet)
api_router.register_endpoint("pages", PublicPagesAPIViewSet)
