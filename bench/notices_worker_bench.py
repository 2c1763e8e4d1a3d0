"""A batch of notices with signed PDFs through the real background workers.

    .venv/bin/python bench/notices_worker_bench.py [--households 200] [--workers 2] [--own-files 3]

On a SQLite database of its own (var/bench-notices-workers.sqlite3) it files one estate
with a building per worker and the households spread over them, then starts one batch
of 三方温馨提示 per building as a background job (``notice_batch``) and starts that many
``manage.py run_worker`` processes (django-tasks database backend), each with its own
LibreOffice kept running (ports of its own). Each batch issues, converts and signs
every notice and zips them. Prints the wall time from queueing until every batch is
done, the time per notice after each worker's first (median interval between two
signed PDFs of one worker), and beside them one soffice started per file on a few of
the same notices. Workers are stopped with SIGTERM, as a deployment stops them; the
script then checks that no LibreOffice profile of theirs is left in the temp folder.
"""

import argparse
import itertools
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

DATABASE = ROOT / "var" / "bench-notices-workers.sqlite3"
WORK = Path(tempfile.mkdtemp(prefix="bench-notice-workers-"))
PASSPHRASE = "bench-workers"
INDEX_PREFIX = "bench-notice-workers"


def environment(base_port=None):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings",
        "DATABASE_URL": f"sqlite:///{DATABASE}",
        "TASKS_BACKEND": "database",
        "PRIVATE_MEDIA_ROOT": str(WORK / "private"),
        "ELASTICSEARCH_INDEX_PREFIX": INDEX_PREFIX,
        "NOTICE_PDF_ENABLED": "1",
        "NOTICE_PDF_KEEP_RUNNING": "1",
        "NOTICE_SIGNING_P12": str(WORK / "signing.p12"),
        "NOTICE_SIGNING_PASSPHRASE": PASSPHRASE,
        **(
            {"NOTICE_UNOSERVER_PORT": str(base_port), "NOTICE_UNO_PORT": str(base_port + 1)}
            if base_port
            else {}
        ),
    }


def setup_django():
    os.environ.update(environment())
    import django

    django.setup()


def build_estate(households, buildings):
    from django.contrib.auth import get_user_model
    from django_tasks_db.models import DBTaskResult
    from wagtail.models import Page

    from cms.archives.models import ArchiveRoot, Building, Estate, HouseholdArchive, Owner
    from core.roles import MANAGER, sync_roles

    manager = get_user_model().objects.create_user(
        "bench-jingli", last_name="王", first_name="立新"
    )
    manager.groups.add(sync_roles()[MANAGER])
    root = ArchiveRoot.objects.first() or Page.get_first_root_node().add_child(
        instance=ArchiveRoot(title="档案库", slug="dangan")
    )
    estate = root.add_child(instance=Estate(title="基准花园", slug="bench"))
    scopes = [
        estate.add_child(instance=Building(title=f"{number}栋", slug=f"b{number}"))
        for number in range(1, buildings + 1)
    ]
    for index in range(households):
        building = scopes[index % buildings]
        floor, room = divmod(index // buildings, 8)
        household = HouseholdArchive(unit="1", floor=floor + 1, room=f"{floor + 1}{room + 1:02d}")
        household.full_clean(exclude=["path", "depth"])
        building.add_child(instance=household)
        Owner.objects.create(household=household, name=f"业主{index + 1}")
    # The archives were filed long before the batch: their search indexing is no part of it.
    DBTaskResult.objects.all().delete()
    return manager, scopes


def start_workers(count, base_port):
    workers = []
    for number in range(count):
        log = open(WORK / f"worker-{number}.log", "wb")  # noqa: SIM115 - closed by the process
        workers.append(
            subprocess.Popen(
                [sys.executable, "manage.py", "run_worker"],
                cwd=ROOT,
                env=environment(base_port + 10 * number),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
    return workers


def stop_workers(workers):
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def wait_for_batches(batches, workers, timeout):
    from doc_templates.models import NoticeBatch

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(worker.poll() is not None for worker in workers):
            raise SystemExit(f"后台进程意外退出，见 {WORK}")
        states = set(NoticeBatch.objects.filter(pk__in=batches).values_list("status", flat=True))
        if states == {NoticeBatch.Status.DONE}:
            return
        if NoticeBatch.Status.FAILED in states:
            raise SystemExit("批量任务失败，见 " + str(WORK))
        time.sleep(0.5)
    raise SystemExit(f"{timeout} 秒内未完成，见 {WORK}")


def per_notice_after_first(batches):
    """Median interval between two signed PDFs of one batch (one worker), its first left out."""
    from doc_templates.models import NoticePdf

    intervals, firsts = [], []
    for batch in batches:
        stamps = list(
            NoticePdf.objects.filter(notice__batch=batch, error="")
            .order_by("created_at")
            .values_list("created_at", flat=True)
        )
        firsts.append(stamps[0])
        intervals += [(b - a).total_seconds() for a, b in itertools.pairwise(stamps)]
    return statistics.median(intervals), firsts


def own_soffice_per_file(count):
    from doc_templates import pdf
    from doc_templates.models import Notice

    signer = pdf.configured_signer()
    seconds = []
    for notice in Notice.objects.order_by("pk")[:count]:
        started = time.perf_counter()
        pdf.sign_pdf(pdf.convert_with_own_soffice(notice.read_bytes()), "签发", signer)
        seconds.append(time.perf_counter() - started)
    return seconds


def leftover_profiles(workers):
    from doc_templates.pdf import PROFILE_PREFIX

    temp = Path(tempfile.gettempdir())
    return [path for worker in workers for path in temp.glob(f"{PROFILE_PREFIX}{worker.pid}-*")]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--own-files", type=int, default=3)
    parser.add_argument("--base-port", type=int, default=2405)
    parser.add_argument("--timeout", type=int, default=1800)
    args = parser.parse_args()

    DATABASE.unlink(missing_ok=True)
    setup_django()
    from django.core.management import call_command

    from doc_templates import actions
    from doc_templates.pdf import write_self_signed_certificate
    from jobs.runner import start_job

    call_command("migrate", verbosity=0)
    write_self_signed_certificate(WORK / "signing.p12", PASSPHRASE, "基准测试签章")
    manager, scopes = build_estate(args.households, args.workers)
    workers = start_workers(args.workers, args.base_port)
    try:
        time.sleep(5)  # the workers have started Django and poll the queue
        started = time.perf_counter()
        batches = []
        for scope in scopes:
            batch = actions.start_batch(scope, "高空抛物", manager)
            start_job("notice_batch", manager, batch_id=batch.pk)
            batches.append(batch.pk)
        wait_for_batches(batches, workers, args.timeout)
        total = time.perf_counter() - started
        per_notice, _ = per_notice_after_first(batches)
    finally:
        stop_workers(workers)
    left = leftover_profiles(workers)
    own = own_soffice_per_file(args.own_files)

    load = os.getloadavg()
    print(
        f"{args.households} 份三方温馨提示（签发 + PDF 转换 + 签名 + 打包），"
        f"{args.workers} 个后台进程，各自常驻一个 LibreOffice；CPU {os.cpu_count()} 核；"
        f"负载 {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    print("| 方式 | 份数 | 其后每份（中位数） | 合计 |")
    print("|---|---:|---:|---:|")
    print(
        f"| 后台进程 × {args.workers}，常驻 LibreOffice | {args.households} | "
        f"{per_notice:.2f} s（每进程） | {total:.1f} s（整批 {total / args.households:.2f} s/份） |"
    )
    rest = statistics.median(own[1:]) if len(own) > 1 else own[0]
    print(f"| 每份启动一次 soffice | {len(own)} | {rest:.2f} s | {sum(own):.1f} s |")
    print(f"后台进程停止后留下的 LibreOffice 配置目录：{len(left)} 个")
    cleanup()


def cleanup():
    import shutil

    from search.indices import get_client

    client = get_client()
    for name in client.options(ignore_status=404).indices.get(index=f"{INDEX_PREFIX}-*"):
        client.indices.delete(index=name)
    shutil.rmtree(WORK, ignore_errors=True)
    DATABASE.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
