"""Benchmark of the owner archives at estate scale (run by hand, not a test):

    .venv/bin/python bench/archives_bench.py [--households 10000] [--no-memory] [--no-search-sync]
    .venv/bin/python bench/archives_bench.py --side-by-side [--households 10000] [--before COMMIT]

--side-by-side writes one Excel file and imports it twice, each time into a fresh database
of its own (one process each, without tracemalloc; SQLite, or on the PostgreSQL server of
DATABASE_URL two databases created for the run and dropped after it): first with the import of
commit --before (today's, taken out of git into a temporary folder and run with its own
copy of this script), then with this one, each followed by a re-import of the same file
that changes nothing; the figures are printed side by side with the load average.


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


@contextmanager
def profiled(enabled, lines=25):
    """A cProfile summary of the block (this project's functions, Wagtail's, treebeard's
    and the database driver's, by cumulative time) when ``enabled``."""
    if not enabled:
        yield
        return
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    try:
        yield
    finally:
        profiler.disable()
        if os.environ.get("ARCHIVES_BENCH_PROFILE_FILE"):
            profiler.dump_stats(os.environ["ARCHIVES_BENCH_PROFILE_FILE"])
        out = StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
        stats.print_stats(
            r"(/cms/|/search/|wagtail/|modelcluster/|elasticsearch/helpers|backends/utils)", lines
        )
        for line in out.getvalue().splitlines():
            if line.strip() and "Ordered by" not in line and "List reduced" not in line:
                print(line.replace(str(ROOT) + "/", "").replace(sys.prefix + "/", ""))


def write_import_file(path, households, buildings):
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("业户")
    per_building = households // buildings
    rows = [household_row(index, per_building) for index in range(households)]
    sheet.append(list(rows[0]))
    for row in rows:
        sheet.append(list(row.values()))
    book.save(path)


def household_row(index, per_building):
    """One room of the sheet, keyed by the column titles an archivist types."""
    from cms.archives.validators import with_check_digit

    building, position = divmod(index, per_building)
    unit, rest = divmod(position, per_building // 2)
    floor, door = divmod(rest, 4)
    return {
        "小区": "万景花园",
        "楼栋": f"{building + 1}栋",
        "单元": str(unit + 1),
        "楼层": floor + 1,
        "房号": f"{floor + 1}{door + 1:02d}",
        "面积": 80 + index % 60,
        "收楼时间": "2024-03-01",
        "业主姓名": f"业主{index:05d}",
        "证件号码": with_check_digit(
            f"4403051980{(index % 12) + 1:02d}{(index % 28) + 1:02d}{index % 1000:03d}"
        ),
        "联系电话": f"139{index:08d}",
    }


def stop_search_sync():
    """Disconnect the search app's per-save sync of households (see search/signals.py)."""
    from django.db.models.signals import post_save

    from cms.archives.models import HouseholdArchive

    return post_save.disconnect(sender=HouseholdArchive, dispatch_uid="search-save-archive")


def ensure_archive_index():
    from search.indexing import ensure_index
    from search.registry import get_kind

    ensure_index(get_kind("archive"))


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
        source = Path(args.source) if args.source else Path(folder) / "households.xlsx"
        if not args.source:
            write_import_file(source, args.households, args.buildings)
        print(
            f"{args.households} households in {args.buildings} buildings, {source.stat().st_size / 2**20:.1f} MiB Excel"
        )
        label = "" if search_sync_off else " + bulk index after commit"
        # A running system has its archive index already; creating it is not the import's work.
        ensure_archive_index()
        importer = Importer
        with (
            measured(f"import {args.households} households{label}", results, memory),
            profiled(args.profile),
        ):
            result = importer(by=archivist).run(source)
        assert result.created == args.households, result
        if search_sync_off:
            with measured("bulk reindex of the archive index", results, memory):
                reindex_archives()
        assert indexed_households() == args.households
        with measured("re-import (nothing changes)", results, memory):
            result = importer(by=archivist).run(source)
        assert result.unchanged == args.households, result
        _check_filed(archivist, args.households)

    return estate, archivist


def _check_filed(archivist, households):
    """Both ways leave the same archive: a published revision by the archivist and the
    create, edit and publish entries of the audit log for every room, a sound tree."""
    from wagtail.models import Page, PageLogEntry, Revision

    from cms.archives.models import HouseholdArchive

    filed = HouseholdArchive.objects.filter(live=True, live_revision__user=archivist).count()
    assert filed == households, filed
    assert Revision.objects.filter(user=archivist).count() == households
    actions = PageLogEntry.objects.filter(action__in=["wagtail.edit", "wagtail.publish"])
    assert actions.count() == 2 * households
    assert all(not problems for problems in Page.find_problems())


def load_average():
    return os.getloadavg()


def side_by_side(args):
    """Today's import (the code at ``--before``, taken out of git) and this one on one
    file, each in a fresh database of its own process, figures side by side."""
    import subprocess

    server = os.environ.get("DATABASE_URL", "")
    server = server if server.startswith("postgres") else ""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "households.xlsx"
        setup_django(Path(folder) / "writer.sqlite3")
        write_import_file(source, args.households, args.buildings)
        before_tree = Path(folder) / "before"
        before_tree.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", args.before], capture_output=True, check=True
        )
        subprocess.run(["tar", "-x", "-C", str(before_tree)], input=archive.stdout, check=True)
        ways = [
            (f"before ({args.before[:7]})", before_tree / "bench" / "archives_bench.py"),
            ("now", Path(__file__)),
        ]
        figures = {}
        for way, script in ways:
            database = Path(folder) / f"{len(figures)}.sqlite3"
            env = {name: value for name, value in os.environ.items() if name != "DATABASE_URL"}
            if server:
                env["DATABASE_URL"] = fresh_postgres_database(server, f"{len(figures)}")
            command = [sys.executable, str(script), "--no-memory", "--import-only"]
            command += ["--profile"] if args.profile else []
            command += ["--source", str(source), "--database", str(database)]
            command += ["--households", str(args.households), "--buildings", str(args.buildings)]
            load = load_average()
            run = subprocess.run(command, capture_output=True, text=True, env=env)
            if run.returncode:
                sys.exit(f"{way} failed:\n{run.stdout}\n{run.stderr[-3000:]}")
            print(f"## {way} (load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f})")
            if server:
                drop_postgres_database(env["DATABASE_URL"])
            print(run.stdout, flush=True)
            figures[way] = [
                line.rsplit(None, 3)
                for line in run.stdout.splitlines()
                if line.endswith("–") and " s " in line
            ]
    print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    print("| step | " + " | ".join(figures) + " |")
    print("|---|" + "---:|" * len(figures))
    for index, row in enumerate(next(iter(figures.values()))):
        times = [f"{steps[index][1]} s" for steps in figures.values()]
        print(f"| {row[0]} | " + " | ".join(times) + " |")


def _server_connection(url):
    import psycopg

    base = url.rsplit("/", 1)[0]
    return psycopg.connect(f"{base}/postgres", autocommit=True), base


def fresh_postgres_database(url, suffix):
    """A new empty database beside the one of ``url``, for one way's run."""
    name = f"{url.rsplit('/', 1)[1]}_bench_{suffix}"
    connection, base = _server_connection(url)
    with connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


def drop_postgres_database(url):
    connection, _ = _server_connection(url)
    with connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}"')


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
    parser.add_argument("--side-by-side", action="store_true")
    parser.add_argument("--profile", action="store_true", help="cProfile summary of the import")
    parser.add_argument(
        "--before",
        default="7c18aa312fbcdf61beac47eaf7afa43caca3f956",
        help="the commit whose import --side-by-side measures as today's",
    )
    parser.add_argument("--import-only", action="store_true", help="skip exports and lists")
    parser.add_argument("--source", help="an Excel file written before (by --side-by-side)")
    args = parser.parse_args()
    memory = not args.no_memory
    if args.side_by_side:
        return side_by_side(args)

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
    if args.import_only:
        return results

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
