"""Approved reply scripts through Wagtail API v2 (/api/v2/replies/): live versions in force only."""

from wagtail.api.v2.views import BaseAPIViewSet

from cms.replies.models import ReplyScript

FIELDS = [
    "question",
    "answer",
    "spoken",
    "topic",
    "keywords",
    "legal_basis",
    "dos",
    "donts",
    "effective_from",
    "expires_on",
    "approved_at",
]


class ReplyScriptsAPIViewSet(BaseAPIViewSet):
    model = ReplyScript
    body_fields = [*BaseAPIViewSet.body_fields, *FIELDS]
    listing_default_fields = [
        *BaseAPIViewSet.listing_default_fields,
        "question",
        "topic",
        "approved_at",
    ]
    name = "replies"

    def get_queryset(self):
        return ReplyScript.objects.approved().select_related("topic").order_by("pk")
