"""Wagtail's API v2 pages detail, with DELETE answered the way every deletion path is:
refused, and recorded when it targets an owner archive."""

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from api.errors import ApiError
from api.pages import refuse_page_deletion
from cms.api import PublicPagesAPIViewSet, api_router

page_detail = api_router.wrap_view(PublicPagesAPIViewSet.as_view({"get": "detail_view"}))


@csrf_exempt
def wagtail_page_detail_or_refusal(request, pk):
    """Wagtail's page detail; a DELETE is refused in Chinese, and recorded for archive pages."""
    if request.method != "DELETE":
        return page_detail(request, pk=pk)
    user = request.user if request.user.is_authenticated else None
    try:
        refuse_page_deletion(pk, user)
    except ApiError as refusal:
        return JsonResponse(
            {"code": refusal.code, "message": refusal.message},
            status=refusal.status,
            json_dumps_params={"ensure_ascii": False},
        )
