import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from search.indices import elasticsearch_health


class _RolledBack(Exception):
    """Ends the probe transaction after its write succeeded."""


def database_health():
    """Read and write: a read-only database (full disk, a replica, a read-only file)
    still answers SELECT but would refuse every intake, so a write is tried and undone."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE django_migrations SET app = app "
                    "WHERE id = (SELECT MIN(id) FROM django_migrations)"
                )
                raise _RolledBack
        except _RolledBack:
            pass
    except DatabaseError as error:
        return {"ok": False, "detail": f"数据库不可写或无法连接: {error}"}
    return {"ok": True, "detail": f"{connection.vendor} 可读写"}


def private_files_health():
    """Archive papers and issued notices are written there; a missing or read-only
    folder would fail the next upload or notice."""
    folder = Path(settings.PRIVATE_MEDIA_ROOT)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".healthz-"):
            pass
    except OSError as error:
        return {"ok": False, "detail": f"私密文件目录不可写（{folder}）: {error.strerror or error}"}
    return {"ok": True, "detail": "私密文件目录可写"}


@never_cache
def healthz(request):
    """Liveness for load balancers: 200 only when the database takes writes, the private
    files folder takes files and Elasticsearch is up."""
    checks = {
        "database": database_health(),
        "private_files": private_files_health(),
        "elasticsearch": elasticsearch_health(),
    }
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "down", **checks},
        status=200 if healthy else 503,
        json_dumps_params={"ensure_ascii": False},
    )
