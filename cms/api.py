"""Wagtail API v2 (read-only, public): endpoints are registered here by each area."""

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet

from cms.archives.models import ArchiveRoot, Building, Estate, HouseholdArchive
from cms.replies.api import ReplyScriptsAPIViewSet


class PublicPagesAPIViewSet(PagesAPIViewSet):
    """The pages endpoint without the owner archives (绝密): they are never listed,
    found, filtered on or fetched by id here."""

    def get_base_queryset(self):
        return super().get_base_queryset().not_type(ArchiveRoot, Estate, Building, HouseholdArchive)


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("replies", ReplyScriptsAPIViewSet)
api_router.register_endpoint("pages", PublicPagesAPIViewSet)
