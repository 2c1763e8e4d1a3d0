"""Benchmark of the case files: 100,000 cases with 10 history rows each.

Measures, through the admin as a manager sees it, the case list page, one case's
history page and the monthly report (page and Excel export): wall time (median of
runs) and peak Python memory (tracemalloc).

    .venv/bin/python bench/cases_bench.py            # 100,000 cases, own SQLite file
    DATABASE_URL=postgres://... .venv/bin/python bench/cases_bench.py --cases 100000

The data goes into var/bench-cases.sqlite3 unless DATABASE_URL is set; it is
generated once and reused.
"""

import argparse
import cProfile
import datetime as dt
import hashlib
import inspect
import io
import os
import pstats
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-cases.sqlite3'}")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from tqdm import tqdm  # noqa: E402

from cases import actions  # noqa: E402
from cases.models import Case, CaseTopic  # noqa: E402
from cases.reports import forget_months, month_bounds  # noqa: E402
from cases.states import Status  # noqa: E402
from core.roles import MANAGER, sync_roles  # noqa: E402

HISTORY_PER_CASE = 10
BATCH = 2000
YEAR = 2025
# Plain values: they are SQL parameters and part of the generated data's fingerprint.
STATUS_PATH = [
    status.value
    for status in (
        Status.ACCEPTED,
        Status.IN_PROGRESS,
        Status.IN_PROGRESS,
        Status.REPLIED,
        Status.AWAITING_VISIT,
        Status.CLOSED,
    )
]


def generate(total):
    if connection.vendor == "postgresql":
        return generate_postgres_once(total)
    existing = Case.objects.count()
    if existing >= total:
        return
    topics = list(CaseTopic.objects.all())
    kinds = ["complaint"] * 6 + ["dispute"] * 2 + ["violation"] * 2
    channels = [c for c, _ in Case.Channel.choices]
    causes = [c for c, _ in Case.RootCause.choices]
    History = Case.history.model
    start = timezone.make_aware(dt.datetime(YEAR, 1, 1, 9, 0))
    span = 365 * 24 * 3600
    for offset in tqdm(range(existing, total, BATCH), desc="生成案件", unit="批"):
        cases = []
        for i in range(offset, min(offset + BATCH, total)):
            kind = kinds[i % len(kinds)]
            received = start + dt.timedelta(seconds=(i * 7919) % span)
            cases.append(
                Case(
                    number=f"{Case.SERIES[kind]}-{YEAR}-{i + 1:06d}",
                    kind=kind,
                    status=STATUS_PATH[i % len(STATUS_PATH)],
                    channel=channels[i % len(channels)],
                    received_at=received,
                    reporter_name=f"业主{i % 5000}",
                    location=f"{i % 30 + 1}栋{i % 4 + 1}单元{i % 30 + 1:02d}{i % 4 + 1:02d}室",
                    topic=topics[i % len(topics)],
                    description="基准测试生成的案件内容，用于衡量列表、历史和月报的性能。",
                    complaint_class="1" if kind == "complaint" else "",
                    validity="valid" if kind == "complaint" else "",
                    root_cause=causes[i % len(causes)] if kind == "complaint" else "",
                    response_due_at=received + dt.timedelta(hours=24),
                    resolve_due_at=received + dt.timedelta(days=2),
                )
            )
        with transaction.atomic():
            Case.objects.bulk_create(cases)
            saved = Case.objects.filter(number__in=[c.number for c in cases])
            History.objects.bulk_create(history_rows(History, saved), batch_size=5000)


def _generator_fingerprint(total):
    """What the generated data depends on: the generator's own code and the size."""
    code = inspect.getsource(generate_in_postgres) + repr((HISTORY_PER_CASE, YEAR, STATUS_PATH))
    return hashlib.sha256(f"{code}{total}".encode()).hexdigest()[:16]


def generate_postgres_once(total):
    """Reuses the cases a previous run generated with the same generator and size (a
    million cases take minutes to make); otherwise empties the case tables and makes
    them again. The fingerprint is kept as the case table's comment."""
    fingerprint = _generator_fingerprint(total)
    table = Case._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT obj_description(%s::regclass, 'pg_class')", [table])
        if cursor.fetchone()[0] == f"bench {fingerprint}":
            return
        cursor.execute(f"TRUNCATE {table}, {Case.history.model._meta.db_table} CASCADE")
    generate_in_postgres(0, total)
    with connection.cursor() as cursor:
        cursor.execute(f"COMMENT ON TABLE {table} IS %s", [f"bench {fingerprint}"])


def generate_in_postgres(existing, total, chunk=100_000):
    """The same cases and history rows, made by PostgreSQL itself (INSERT … SELECT over
    generate_series): a million cases and ten million history rows in minutes, where
    sending them from Python would take an hour. Columns the benchmark does not vary
    take the values of one case built by Django, so every constraint still holds."""
    topics = [topic.pk for topic in CaseTopic.objects.order_by("pk")]
    channels = [c for c, _ in Case.Channel.choices]
    causes = [c for c, _ in Case.RootCause.choices]
    start = timezone.make_aware(dt.datetime(YEAR, 1, 1, 9, 0))
    sample = Case(kind="complaint", topic_id=topics[0], received_at=start, number="x")
    kind = "(CASE WHEN i %% 10 < 6 THEN 'complaint' WHEN i %% 10 < 8 THEN 'dispute' ELSE 'violation' END)"
    received = f"(%(start)s::timestamptz + ((i::bigint * 7919) %% {365 * 24 * 3600}) * interval '1 second')"
    varying = {
        "number": (
            f"(CASE WHEN i %% 10 < 6 THEN '{Case.SERIES['complaint']}' WHEN i %% 10 < 8 "
            f"THEN '{Case.SERIES['dispute']}' ELSE '{Case.SERIES['violation']}' END)"
            f" || '-{YEAR}-' || lpad(i::text, 7, '0')"
        ),
        "kind": kind,
        "status": "(%(statuses)s::text[])[i %% 6 + 1]",
        "channel": f"(%(channels)s::text[])[i %% {len(channels)} + 1]",
        "received_at": received,
        "reporter_name": "'业主' || (i %% 5000)",
        "location": "(i %% 30 + 1) || '栋' || (i %% 4 + 1) || '单元' || (i %% 30 + 1) || '室'",
        "topic_id": f"(%(topics)s::bigint[])[i %% {len(topics)} + 1]",
        "description": "'基准测试生成的案件内容，用于衡量列表、历史和月报的性能。'",
        "complaint_class": f"(CASE WHEN {kind} = 'complaint' THEN '1' ELSE '' END)",
        "validity": f"(CASE WHEN {kind} = 'complaint' THEN 'valid' ELSE '' END)",
        "root_cause": (
            f"(CASE WHEN {kind} = 'complaint' THEN (%(causes)s::text[])[i %% {len(causes)} + 1]"
            " ELSE '' END)"
        ),
        "response_due_at": f"{received} + interval '24 hours'",
        "resolve_due_at": f"{received} + interval '2 days'",
    }
    columns, expressions, params = (
        [],
        [],
        {
            "start": start,
            "statuses": STATUS_PATH,
            "channels": channels,
            "topics": topics,
            "causes": causes,
        },
    )
    for field in Case._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(field.column)
        if field.column in varying:
            expressions.append(varying[field.column])
        else:
            params[field.column] = field.get_db_prep_save(field.pre_save(sample, True), connection)
            expressions.append(f"%({field.column})s")
    History = Case.history.model
    history_columns = [
        f.column for f in History._meta.concrete_fields if f.column in {"id", *columns}
    ]
    cases_sql = (
        f"INSERT INTO {Case._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(expressions)} FROM generate_series(%(first)s, %(last)s) AS i"
    )
    history_sql = (
        f"INSERT INTO {History._meta.db_table} ({', '.join(history_columns)}, history_date,"
        " history_type, history_change_reason) "
        f"SELECT {', '.join('c.' + column if column != 'status' else '(%(statuses)s::text[])[least(s, 5) + 1]' for column in history_columns)},"
        " c.received_at + s * interval '1 hour', CASE WHEN s = 0 THEN '+' ELSE '~' END,"
        " CASE WHEN s = 0 THEN '受理登记' ELSE '修改案件信息' END"
        f" FROM {Case._meta.db_table} c CROSS JOIN generate_series(0, {HISTORY_PER_CASE - 1}) AS s"
        " WHERE c.id > %(after)s"
    )
    tables = [Case._meta.db_table, History._meta.db_table]
    # Secondary indexes are dropped for the load and built again afterwards, as bulk
    # loads do: keeping ten random-order indexes up to date row by row takes far longer.
    indexes = _secondary_indexes(tables)
    with connection.cursor() as cursor:
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
    for first in tqdm(range(existing + 1, total + 1, chunk), desc="生成案件", unit="批"):
        last = min(first + chunk - 1, total)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {Case._meta.db_table}")
            after = cursor.fetchone()[0]
            cursor.execute(cases_sql, {**params, "first": first, "last": last})
            cursor.execute(history_sql, {"statuses": STATUS_PATH, "after": after})
    with connection.cursor() as cursor:
        # Room to sort in memory for the index builds of ten million rows.
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for _, definition in tqdm(indexes, desc="重建索引", unit="个"):
            cursor.execute(definition)
        # As autovacuum would on a live database: statistics, and the visibility map
        # that lets counts be answered from an index alone.
        for table in tables:
            cursor.execute(f"VACUUM (ANALYZE) {table}")


def _secondary_indexes(tables):
    """(name, CREATE INDEX statement) of the tables' indexes that back no constraint."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes i WHERE tablename = ANY(%s)"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            [tables],
        )
        return cursor.fetchall()


def history_rows(History, cases):
    fields = [f.attname for f in History._meta.fields if f.attname in _case_fields()]
    for case in cases:
        for step in range(HISTORY_PER_CASE):
            values = {name: getattr(case, name) for name in fields}
            values["status"] = STATUS_PATH[min(step, len(STATUS_PATH) - 1)]
            values["description"] = f"{case.description}（第{step + 1}次修改）"
            yield History(
                **values,
                history_date=case.received_at + dt.timedelta(hours=step),
                history_type="+" if step == 0 else "~",
                history_change_reason="受理登记" if step == 0 else "修改案件信息",
            )


def _case_fields():
    return {f.attname for f in Case._meta.concrete_fields}


class QueryTimer:
    """Counts and times the database queries of a request (an execute wrapper: the test
    client's request_started signal empties Django's own query log mid-request)."""

    def __init__(self):
        self.queries = []

    def __call__(self, execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((time.perf_counter() - began, sql))

    @property
    def total_ms(self):
        return sum(seconds for seconds, _ in self.queries) * 1000


def forget_june():
    """A case of June written outside the actions (a bulk load): June is counted again."""
    forget_months(dt.datetime(YEAR, 6, 15, tzinfo=dt.UTC))


def a_june_case_changed(by):
    """A colleague corrects the topic of one June complaint through the actions, back
    and forth: the change is counted into June's kept figures. The complaint is one of
    the middle of the month, not one of its typical cases (changing one of those counts
    the typical cases again, in the action)."""
    start, end = month_bounds(YEAR, 6)
    june = Case.objects.filter(kind="complaint", received_at__gte=start, received_at__lt=end)
    pk = june.order_by("pk").values_list("pk", flat=True)[june.count() // 2]
    first, second = CaseTopic.objects.order_by("pk")[:2]

    def change():
        case = Case.objects.get(pk=pk)
        case.topic = second if case.topic_id == first.pk else first
        actions.update_case(case, by, "更正主题")

    return change


def median_ms(function, runs):
    timings = []
    for _ in range(runs):
        began = time.perf_counter()
        function()
        timings.append((time.perf_counter() - began) * 1000)
    return statistics.median(timings)


def measure(client, url, runs, before=lambda: None):
    """Median server time of ``runs`` requests through the test client (the whole
    request: middleware, view, template, no network), the queries of one request and
    their time, then the peak of one traced request (tracemalloc slows Python down, so
    it is kept out of the timings)."""
    before()
    client.get(url)  # warm caches (permissions, templates), as a server that has run a while
    timings = []
    for _ in range(runs):
        before()
        began = time.perf_counter()
        response = client.get(url)
        response.content  # noqa: B018 - the body is part of the work
        timings.append(time.perf_counter() - began)
        assert response.status_code == 200, (url, response.status_code)
    timer = QueryTimer()
    before()
    with connection.execute_wrapper(timer):
        client.get(url).content  # noqa: B018
    before()
    tracemalloc.start()
    client.get(url).content  # noqa: B018
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return statistics.median(timings), peak, timer


def profile(client, url, lines=15):
    """cProfile summary of one request: the functions of this project and the database
    driver by cumulative time, then the slowest queries."""
    profiler = cProfile.Profile()
    timer = QueryTimer()
    with connection.execute_wrapper(timer):
        profiler.enable()
        client.get(url).content  # noqa: B018
        profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    stats.print_stats(r"(/cases/|/cms/|backends/utils.py:\d+\(execute|cursor\.execute)", lines)
    print(f"\n### cProfile {url}\n" + _trimmed(out.getvalue()))
    print(f"{len(timer.queries)} queries, {timer.total_ms:.0f} ms; slowest:")
    for seconds, sql in sorted(timer.queries, reverse=True)[:5]:
        print(f"  {seconds * 1000:7.1f} ms  {sql[:160]}")


def _trimmed(report):
    return "\n".join(
        line.replace(str(ROOT) + "/", "").replace(sys.prefix + "/", "")
        for line in report.splitlines()
        if line.strip() and "Ordered by" not in line and "List reduced" not in line
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="print a cProfile summary per page")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    groups = sync_roles()
    generate(args.cases)
    User = get_user_model()
    manager, _ = User.objects.get_or_create(username="bench-manager", defaults={"is_staff": True})
    manager.groups.add(groups[MANAGER])
    client = Client()
    client.force_login(manager)

    one = Case.objects.order_by("pk")[args.cases // 2]
    june = f"/admin/case-reports/monthly/?month={YEAR}-06"
    changed_in_june = a_june_case_changed(manager)
    # (label, url, what happens before each request)
    checks = [
        ("案件列表（第1页，50条）", "/admin/cases/", None),
        ("案件列表（筛选：投诉·处理中）", "/admin/cases/?kind=complaint&status=in_progress", None),
        ("单个案件修订历史", f"/admin/cases/{one.pk}/changes/", None),
        ("月度案件分析页面（该月已计数，无变动）", june, None),
        # What the report did after every change before: the month forgotten and counted
        # again on the next reading (still the way for writes outside the actions).
        ("月度案件分析页面：该月刚有案件变动，之前的做法（重新计数）", june, forget_june),
        (
            "月度案件分析页面：该月刚有案件变动，现在的做法（办理动作已计入月度汇总）",
            june,
            changed_in_june,
        ),
        ("月度分析 Excel 导出", f"{june}&format=xlsx", None),
    ]
    print(
        f"{connection.vendor}: {Case.objects.count():,} 件案件，"
        f"{Case.history.count():,} 条历史记录；每项取 {args.runs} 次中位数"
    )
    print("| 页面 | 服务端时间 (ms) | 查询数 | 查询耗时 (ms) | 峰值内存 (MB) |")
    print("|---|---:|---:|---:|---:|")
    for label, url, before in checks:
        seconds, peak, timer = measure(client, url, args.runs, before or (lambda: None))
        print(
            f"| {label} | {seconds * 1000:.0f} | {len(timer.queries)} | {timer.total_ms:.0f}"
            f" | {peak / 1_048_576:.1f} |"
        )
    change_ms = median_ms(changed_in_june, args.runs)
    print(f"| （该变动本身：update_case 改一件六月投诉的主题） | {change_ms:.0f} | | | |")
    if args.profile:
        for _, url, before in (checks[0], checks[2], checks[4], checks[5]):
            (before or (lambda: None))()
            profile(client, url)


if __name__ == "__main__":
    main()
