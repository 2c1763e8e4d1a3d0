"""Bulk work indexes after commit in one bulk request, and queues it all when the node is away."""

from io import StringIO

import pytest
from django.core.management import call_command
from openpyxl import Workbook
from wagtail.models import Page

from cms.archives.importer import Importer
from cms.archives.models import ArchiveRoot, Building, Estate
from core.roles import ARCHIVIST
from search.indexing import alias_name
from search.indices import get_client
from search.models import PendingIndexOperation
from search.query import search
from search.registry import get_kind

DEAD_NODE = "http://127.0.0.1:9"
HOUSEHOLDS = 24


@pytest.fixture
def archivist(role_groups, django_user_model):
    user = django_user_model.objects.create_user("dangan_t", password="x", is_staff=True)
    user.groups.add(role_groups[ARCHIVIST])
    return user


@pytest.fixture
def import_file(db, tmp_path):
    """An estate with one building and an Excel sheet of HOUSEHOLDS rooms with their owners."""
    root = Page.get_first_root_node().add_child(instance=ArchiveRoot(title="档案库", slug="dangan"))
    estate = root.add_child(instance=Estate(title="枫林雅苑", slug="fenglin"))
    estate.add_child(instance=Building(title="8栋", slug="b8"))
    book = Workbook()
    sheet = book.active
    sheet.append(["小区", "楼栋", "单元", "楼层", "房号", "业主姓名"])
    for number in range(HOUSEHOLDS):
        floor, door = divmod(number, 4)
        sheet.append(
            ["枫林雅苑", "8栋", "1", floor + 1, f"{floor + 1}0{door + 1}", f"业主{number:02d}号"]
        )
    path = tmp_path / "业户.xlsx"
    book.save(path)
    return path


def archive_index_stats():
    """(entries, bulk requests the index's shard has received) as the node counts them."""
    client = get_client()
    alias = alias_name(get_kind("archive"))
    primaries = client.indices.stats(index=alias, metric="docs,bulk")["_all"]["primaries"]
    return primaries["docs"]["count"], primaries["bulk"]["total_operations"]


def best_hit(user, text):
    hits = search(user, text, kinds=["archive"]).hits
    return hits[0]["title"] if hits else None


def test_an_import_reaches_the_index_in_one_bulk_request(
    import_file, archivist, search_prefix, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = Importer(by=archivist).run(import_file)

    assert result.created == HOUSEHOLDS
    assert archive_index_stats() == (HOUSEHOLDS, 1)
    assert best_hit(archivist, "业主07号") == "枫林雅苑 8栋 1单元 204室"
    assert best_hit(archivist, "业主23号") == "枫林雅苑 8栋 1单元 604室"


def test_an_import_while_the_node_is_away_is_queued_and_replayed(
    import_file, archivist, search_prefix, settings, django_capture_on_commit_callbacks
):
    settings.ELASTICSEARCH_URL = DEAD_NODE
    with django_capture_on_commit_callbacks(execute=True):
        Importer(by=archivist).run(import_file)
    assert PendingIndexOperation.objects.filter(kind="archive").count() == HOUSEHOLDS

    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9200"
    out = StringIO()
    call_command("search_replay", stdout=out)
    assert f"已重放 {HOUSEHOLDS} 条，仍待同步 0 条" in out.getvalue()
    assert archive_index_stats() == (HOUSEHOLDS, 1)
    assert best_hit(archivist, "业主07号") == "枫林雅苑 8栋 1单元 204室"
