"""A batch of tri-party reminders with signed PDFs through a real worker process; the
worker is killed half-way (SIGKILL) and started again. Every household ends up with
exactly one notice and one signed PDF, numbers without gaps, on both backends."""

import io
import os
import zipfile

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.test import override_settings
from wagtail.models import Page

from core.roles import MANAGER
from doc_templates import actions
from doc_templates.models import Notice, NoticeBatch, NoticePdf
from jobs.models import BackgroundJob
from jobs.runner import start_job

HOUSEHOLDS = int(os.environ.get("TASK_TEST_HOUSEHOLDS", "200"))


@pytest.fixture
def building_of_households(backend, transactional_db):
    """The archives were filed (and indexed for search) long before the batch: their
    indexing tasks run as they are saved, not in the queue the batch's worker serves."""
    from cms.archives.models import ArchiveRoot, Building, Estate, HouseholdArchive

    with override_settings(TASKS={"default": django_settings.TASK_BACKENDS["immediate"]}):
        root = Page.get_first_root_node().add_child(
            instance=ArchiveRoot(title="档案库", slug="dangan")
        )
        estate = root.add_child(instance=Estate(title="翠湖花园", slug="cuihu"))
        building = estate.add_child(instance=Building(title="8栋", slug="b8"))
        for number in range(HOUSEHOLDS):
            floor, room = divmod(number, 4)
            household = HouseholdArchive(
                unit="1", floor=floor + 1, room=f"{floor + 1}{room + 1:02d}"
            )
            household.full_clean(exclude=["path", "depth"])
            building.add_child(instance=household)
    return building


@pytest.fixture
def manager(transactional_db):
    from django.contrib.auth import get_user_model

    from core.roles import sync_roles

    user = get_user_model().objects.create_user("jingli-batch", password="x", is_staff=True)
    user.groups.add(sync_roles()[MANAGER])
    return user


def _done():
    return NoticeBatch.objects.get().done


def assert_nothing_half_issued(batch):
    """Every notice row has its frozen file matching its hash; no household twice."""
    notices = list(Notice.objects.filter(batch=batch))
    for notice in notices:
        assert notice.file_is_intact(), notice.number
    households = [notice.household_id for notice in notices]
    assert len(households) == len(set(households))
    return notices


def test_killed_worker_resumes_and_every_notice_is_issued_once(
    backend, signed_pdfs, building_of_households, manager, workers, wait_for
):
    with transaction.atomic():
        batch = actions.start_batch(building_of_households, "高空抛物", manager)
        job = start_job("notice_batch", manager, batch_id=batch.pk)

    first = workers()
    wait_for(lambda: _done() >= HOUSEHOLDS // 2, timeout=HOUSEHOLDS * 15)
    first.kill()
    interrupted_at = _done()
    assert interrupted_at < HOUSEHOLDS
    before = assert_nothing_half_issued(batch)
    assert len(before) >= interrupted_at
    assert BackgroundJob.objects.get(pk=job.pk).status == BackgroundJob.Status.RUNNING

    second = workers()
    wait_for(
        lambda: (
            BackgroundJob.objects.get(pk=job.pk).status
            in (BackgroundJob.Status.DONE, BackgroundJob.Status.FAILED)
        ),
        timeout=HOUSEHOLDS * 15,
        interval=2,
    )
    second.kill()

    job.refresh_from_db()
    batch.refresh_from_db()
    assert job.status == BackgroundJob.Status.DONE, job.error
    assert job.attempts == 2
    assert (batch.status, batch.done, batch.total) == ("done", HOUSEHOLDS, HOUSEHOLDS)

    notices = assert_nothing_half_issued(batch)
    assert len(notices) == HOUSEHOLDS
    assert sorted(n.serial for n in notices) == list(range(1, HOUSEHOLDS + 1))
    assert {n.household_id for n in notices} == set(
        building_of_households.get_children().values_list("pk", flat=True)
    )
    assert set(before) <= set(notices)  # what was issued before the kill was kept, not redone
    pdfs = NoticePdf.objects.filter(notice__batch=batch)
    assert pdfs.count() == HOUSEHOLDS
    assert not pdfs.exclude(error="").exists(), pdfs.exclude(error="").first().error
    with zipfile.ZipFile(io.BytesIO(batch.archive.read())) as archive:
        names = archive.namelist()
    assert len([n for n in names if n.endswith(".docx")]) == HOUSEHOLDS
    assert len([n for n in names if n.endswith(".pdf")]) == HOUSEHOLDS
