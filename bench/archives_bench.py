"""Benchmark of the owner archives at estate scale (run by hand, not a test):

    .venv/bin/python bench/archives_bench.py [--households 10000] [--no-memory] [--no-search-sync]

On a fresh SQLite database of its own (var/bench-archives.sqlite3, or DATABASE_URL
when set) it imports an Excel file of N households with their owners (and, unless
--no-search-sync, sends them to Elasticsearch after commit in one bulk request, under
an index prefix of its own that is deleted at the end), exports the
N-row catalogue to Excel, and renders the household list of the N-household estate
(first and last page) as an archivist. Each step prints wall time and, unless
--no-memory, the Python peak memory measured with tracemalloc (which itself slows
the run down, so time with --no-memory and memory without it).
"""

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
import uuid
from contextlib import contextmanager
from io import BytesIO, StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(database):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{database}")
    os.environ["ELASTICSEARCH_INDEX_PREFIX"] = f"bench-archives-{uuid.uuid4().hex[:6]}"
    import django

    django.setup()


@contextmanager
def measured(label, results, memory):
    if memory:
        tracemalloc.start()
    started = time.perf_counter()
    yield
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 2**20 if memory else None
    if memory:
        tracemalloc.stop()
    results.append((label, elapsed, peak))
    peak_text = f"{peak:8.1f} MiB" if peak is not None else "       –"
    print(f"{label:<36} {elapsed:8.2f} s  {peak_text}", flush=True)


def write_import_file(path, households, buildings):
    from openpyxl import Workbook

    from cms.archives.validators import with_check_digit

    book = Workbook(write_only=True)
    sheet = book.create_sheet("业户")
    sheet.append(
        [
            "小区",
            "楼栋",
            "单元",
            "楼层",
            "房号",
            "面积",
            "收楼时间",
            "业主姓名",
            "证件号码",
            "联系电话",
        ]
    )
    per_building = households // buildings
    for index in range(households):
        building, position = divmod(index, per_building)
        unit, rest = divmod(position, per_building // 2)
        floor, door = divmod(rest, 4)
        room = f"{floor + 1}{door + 1:02d}"
        id_number = with_check_digit(
            f"4403051980{(index % 12) + 1:02d}{(index % 28) + 1:02d}{index % 1000:03d}"
        )
        sheet.append(
            [
                "万景花园",
                f"{building + 1}栋",
                str(unit + 1),
                floor + 1,
                room,
                80 + index % 60,
                "2024-03-01",
                f"业主{index:05d}",
                id_number,
                f"139{index:08d}",
            ]
        )
    book.save(path)


def stop_search_sync():
    """Disconnect the search app's per-save sync of households (see search/signals.py)."""
    from django.db.models.signals import post_save

    from cms.archives.models import HouseholdArchive

    return post_save.disconnect(sender=HouseholdArchive, dispatch_uid="search-save-archive")


def reindex_archives():
    from search.indexing import reindex
    from search.registry import get_kind

    reindex(get_kind("archive"))


def indexed_households():
    from search.indexing import alias_name
    from search.indices import get_client
    from search.models import PendingIndexOperation
    from search.registry import get_kind

    assert not PendingIndexOperation.objects.exists(), "search sync was queued, not sent"
    return get_client().count(index=alias_name(get_kind("archive")))["count"]


def drop_bench_indices():
    from django.conf import settings

    from search.indices import get_client

    client = get_client()
    prefix = settings.ELASTICSEARCH_INDEX_PREFIX
    for name in client.options(ignore_status=404).indices.get(index=f"{prefix}-*"):
        client.indices.delete(index=name)


def build_tree(buildings):
    from wagtail.models import Page

    from cms.archives.models import ArchiveRoot, Building, Estate

    root = Page.get_first_root_node().add_child(
        instance=ArchiveRoot(title="档案库", slug="archives")
    )
    estate = root.add_child(instance=Estate(title="万景花园", slug="wanjing"))
    for number in range(1, buildings + 1):
        estate.add_child(instance=Building(title=f"{number}栋", slug=f"b{number}"))
    return estate


def fill_database(args, results, memory):
    """Migrate, build the estate and import the households (timed)."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from cms.archives.importer import Importer
    from core.roles import ARCHIVIST, sync_roles

    call_command("migrate", verbosity=0)
    search_sync_off = stop_search_sync() if args.no_search_sync else False
    estate = build_tree(args.buildings)
    groups = sync_roles()
    archivist = get_user_model().objects.create_user("bench-archivist", is_staff=True)
    archivist.groups.add(groups[ARCHIVIST])

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "households.xlsx"
        write_import_file(source, args.households, args.buildings)
        print(
            f"{args.households} households in {args.buildings} buildings, {source.stat().st_size / 2**20:.1f} MiB Excel"
        )
        label = "" if search_sync_off else " + bulk index after commit"
        with measured(f"import {args.households} households{label}", results, memory):
            result = Importer(by=archivist).run(source)
        assert result.created == args.households, result
        if search_sync_off:
            with measured("bulk reindex of the archive index", results, memory):
                reindex_archives()
        assert indexed_households() == args.households
        with measured("re-import (nothing changes)", results, memory):
            result = Importer(by=archivist).run(source)
        assert result.unchanged == args.households, result

    return estate, archivist


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=10_000)
    parser.add_argument("--buildings", type=int, default=20)
    parser.add_argument("--no-memory", action="store_true")
    parser.add_argument("--database", default=str(ROOT / "var" / "bench-archives.sqlite3"))
    parser.add_argument(
        "--no-search-sync",
        action="store_true",
        help="time the archive import alone: no Elasticsearch sync after commit, "
        "one bulk reindex of the archive index afterwards",
    )
    parser.add_argument(
        "--reuse-database",
        action="store_true",
        help="skip set-up and import: measure exports and the list on a database filled before",
    )
    args = parser.parse_args()
    memory = not args.no_memory

    database = Path(args.database)
    if not args.reuse_database:
        database.unlink(missing_ok=True)
    setup_django(database)

    results = []
    try:
        return run_steps(args, memory, results)
    finally:
        drop_bench_indices()


def run_steps(args, memory, results):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from cms.archives import exports
    from cms.archives.models import Estate, HouseholdArchive

    if args.reuse_database:
        call_command("migrate", verbosity=0)
        estate = Estate.objects.get(title="万景花园")
        archivist = get_user_model().objects.get(username="bench-archivist")
    else:
        estate, archivist = fill_database(args, results, memory)

    with measured(f"catalogue export {args.households} rows", results, memory):
        stream = BytesIO()
        written = exports.write_catalogue_xlsx(exports.catalogue_households(estate), stream)
        exports.register_export(archivist, written)
    households = HouseholdArchive.objects.count()
    assert len(written) == households
    with measured("catalogue export CSV", results, memory):
        exports.write_catalogue_csv(exports.catalogue_households(estate), StringIO())

    client = Client()
    client.force_login(archivist)
    last_page = (households + 99) // 100
    for label, url in [
        ("household list, first page", "/admin/archives/"),
        ("household list, last page", f"/admin/archives/?p={last_page}"),
        ("household list, stage filter", "/admin/archives/?stage=new"),
    ]:
        with measured(label, results, memory):
            response = client.get(url)
        assert response.status_code == 200, response.status_code
    return results


if __name__ == "__main__":
    main()
