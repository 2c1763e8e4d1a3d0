from django.db import connection
from django.db.utils import DatabaseError
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

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
