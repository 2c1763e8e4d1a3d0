from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.utils import DatabaseError
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache

from cms.archives.models import attach_parents
from search.indices import elasticsearch_health


def database_health():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        return {"ok": False, "detail": f"数据库无法连接: {error}"}
    return {"ok": True, "detail": f"{connection.vendor} 正常"}


@never_cache
def healthz(request):
    """Liveness for load balancers: 200 only when the database and Elasticsearch are both up."""
    checks = {"database": database_health(), "elasticsearch": elasticsearch_health()}
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "down", **checks},
        status=200 if healthy else 503,
        json_dumps_params={"ensure_ascii": False},
    )


def contact_changes(request):
    """Callers' phones not on the owner card, for the archivist to check and record."""
    from cases.models import Case

    if not request.user.has_perm("archives.read_archive"):
        raise PermissionDenied("只有档案员可以核对联系方式变更。")
    cases = Case.objects.caller_phone_not_on_file().select_related("household", "topic")
    households = attach_parents([case.household for case in cases.order_by("-received_at")])
    return TemplateResponse(
        request,
        "cms/contact_changes.html",
        {"rows": list(zip(cases.order_by("-received_at"), households, strict=True))},
    )
