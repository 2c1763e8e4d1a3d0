"""Issuing benchmark: 1,000 registered tri-party reminders through the real code path.

    .venv/bin/python bench/notices_issue_bench.py [--households 1000]

On a fresh SQLite database of its own (var/bench-notices.sqlite3, or DATABASE_URL
when set) it files one building of N households and runs the batch action
(``doc_templates.actions.run_batch``): per household a gap-free number, the filled
template, the frozen private file with its SHA-256, the archive-access record, and
the zip. Prints the median time per issued notice, the batch's wall time, then the
peak Python memory (tracemalloc) of a second batch of the same size.
"""

import argparse
import itertools
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(database, private_root):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{database}")
    os.environ["PRIVATE_MEDIA_ROOT"] = private_root
    import django

    django.setup()


def build_tree(households):
    from django.contrib.auth import get_user_model
    from tqdm import tqdm
    from wagtail.models import Page

    from cms.archives.models import ArchiveRoot, Building, Estate, HouseholdArchive, Owner
    from core.roles import MANAGER, sync_roles

    groups = sync_roles()
    manager = get_user_model().objects.create_user(
        "bench-jingli", last_name="王", first_name="立新"
    )
    manager.groups.add(groups[MANAGER])
    root = ArchiveRoot.objects.first() or Page.get_first_root_node().add_child(
        instance=ArchiveRoot(title="档案库", slug="dangan")
    )
    estate = root.add_child(instance=Estate(title="基准花园", slug="bench"))
    building = estate.add_child(instance=Building(title="1栋", slug="b1"))
    for index in tqdm(range(households), desc="建档", unit="户"):
        floor, room = divmod(index, 8)
        household = HouseholdArchive(unit="1", floor=floor + 1, room=f"{floor + 1}{room + 1:02d}")
        household.full_clean(exclude=["path", "depth"])
        building.add_child(instance=household)
        Owner.objects.create(household=household, name=f"业主{index + 1}")
    return manager, building


def run(manager, building, memory):
    from tqdm import tqdm

    from doc_templates.actions import run_batch, start_batch

    batch = start_batch(building, "高空抛物", manager)
    stamps = [time.perf_counter()]
    if memory:
        tracemalloc.start()
    with tqdm(total=batch.total, desc="签发", unit="份") as bar:

        def progress(done, total):
            stamps.append(time.perf_counter())
            bar.update(1)

        run_batch(batch, progress=progress)
    peak = tracemalloc.get_traced_memory()[1] / 2**20 if memory else None
    if memory:
        tracemalloc.stop()
    per_notice = [(b - a) * 1000 for a, b in itertools.pairwise(stamps)]
    return statistics.median(per_notice), stamps[-1] - stamps[0], peak


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1000)
    args = parser.parse_args()

    database = ROOT / "var" / "bench-notices.sqlite3"
    database.unlink(missing_ok=True)
    private_root = tempfile.mkdtemp(prefix="bench-notices-")
    setup_django(database, private_root)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    manager, building = build_tree(args.households)
    median, seconds, _ = run(manager, building, memory=False)
    _, _, peak = run(manager, building, memory=True)
    print(
        f"{args.households} 户：单份签发中位数 {median:.1f} ms，整批 {seconds:.1f} s，峰值内存 {peak:.1f} MiB"
    )


if __name__ == "__main__":
    main()
