"""/healthz tells a load balancer the truth: a database that answers reads but refuses
writes, or a private files folder that takes no files, is down."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)


def test_healthy_when_everything_takes_writes(client, elasticsearch_node, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    body = client.get("/healthz").json()
    assert body["status"] == "ok", body
    assert body["database"]["ok"] and body["private_files"]["ok"]


@pytest.fixture
def read_only_database():
    """The same database, reopened read-only: a SQLite file opened with mode=ro, or a
    PostgreSQL session whose transactions are all read-only (as on a hot standby)."""
    if connection.vendor == "sqlite":
        saved = (connection.settings_dict["NAME"], dict(connection.settings_dict["OPTIONS"]))
        connection.close()
        connection.settings_dict["NAME"] = f"file:{saved[0]}?mode=ro"
        connection.settings_dict["OPTIONS"] = {**saved[1], "uri": True}
        yield
        connection.close()
        connection.settings_dict["NAME"], connection.settings_dict["OPTIONS"] = saved
    else:
        with connection.cursor() as cursor:
            cursor.execute("SET SESSION default_transaction_read_only = on")
        yield
        with connection.cursor() as cursor:
            cursor.execute("SET SESSION default_transaction_read_only = off")


def test_a_read_only_database_is_reported_down(client, elasticsearch_node, read_only_database):
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "down"
    assert body["database"]["ok"] is False
    assert "不可写" in body["database"]["detail"]


def test_an_unwritable_private_files_folder_is_reported_down(
    client, elasticsearch_node, settings, tmp_path
):
    # A file where the folder should be: refused even to root, unlike file permissions.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    settings.PRIVATE_MEDIA_ROOT = str(blocker / "private")
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 503
    assert body["private_files"]["ok"] is False
    assert "私密文件目录不可写" in body["private_files"]["detail"]
