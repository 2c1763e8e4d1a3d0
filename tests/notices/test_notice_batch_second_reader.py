"""A batch zip is built once, by the manager who started it, but every download is a
new reading: the zip a second manager downloads is checked against that manager's own
reading rights, names hidden where the archive policy says no, and registered for that
manager, household by household."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from notice_helpers import all_text, docx, grant_reading
from staff_accounts import role_account

from cms.archives.models import AccessGrant, AccessRecord
from core.roles import MANAGER
from doc_templates import actions
from doc_templates.build_templates import build_tri_party
from doc_templates.kinds import NoticeKind
from doc_templates.models import NoticeBatch
from doc_templates.policy import MASKED_NAME
from jobs.models import BackgroundJob


def downloaded(response):
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content)
    return response.content


def notices_in(response):
    package = zipfile.ZipFile(io.BytesIO(downloaded(response)))
    return {
        name: all_text(docx(package.read(name)))
        for name in package.namelist()
        if name.endswith(".docx")
    }


@pytest.fixture
def named_reminders(manager):
    """A centre that greets each household by the owner's name: the reminder template
    the manager uploaded carries the 业户姓名 placeholder."""
    document = build_tri_party()
    document.add_paragraph("业主：{{ 业户姓名 }}")
    buffer = io.BytesIO()
    document.save(buffer)
    upload = SimpleUploadedFile("三方温馨提示.docx", buffer.getvalue())
    return actions.upload_template_version(NoticeKind.TRI_PARTY, upload, manager)


@pytest.fixture
def batch(client, manager, tree, batches_run_now, named_reminders):
    client.force_login(manager)
    with batches_run_now():
        client.post("/admin/notices/batch/", {"scope": str(tree["building"].pk), "topic": "噪音"})
    client.logout()
    return NoticeBatch.objects.get()


second_manager = role_account(MANAGER, "jingli-second", "赵", "强")


def batch_as_built(batch):
    package = zipfile.ZipFile(batch.archive.open("rb"))
    return "\n".join(all_text(docx(package.read(name))) for name in package.namelist())


@pytest.fixture
def download(client, batches_run_now):
    """What the user ends up with: the zip as built at once, or — when some names must be
    hidden from them — the copy the background job built for them, from the job list."""

    def download(user, batch):
        client.force_login(user)
        with batches_run_now():
            response = client.get(f"/admin/notices/batch/{batch.pk}/download/")
        if response.status_code != 302:
            return response
        job = BackgroundJob.objects.filter(task_name="notice_batch_copy", created_by=user)
        return client.get(reverse("jobs_file", args=[job.latest("pk").pk]))

    return download


@pytest.mark.django_db
def test_a_manager_without_a_grant_gets_the_notices_with_names_hidden(
    download, batch, second_manager
):
    texts = notices_in(download(second_manager, batch))
    assert len(texts) == 2 and "张伟" in batch_as_built(batch)
    joined = "\n".join(texts.values())
    assert "张伟" not in joined and "李娜" not in joined
    assert joined.count(MASKED_NAME) >= 2
    assert "翠湖花园 3栋 2单元 1201室" in joined


@pytest.mark.django_db
def test_each_download_is_registered_for_the_one_who_downloads(
    download, batch, second_manager, tree
):
    download(second_manager, batch)
    download(second_manager, batch)
    for household in (tree["household"], tree["neighbour"]):
        readings = AccessRecord.objects.filter(
            user=second_manager, household=household, via="notice"
        )
        assert readings.count() == 2


@pytest.mark.django_db
def test_a_manager_with_a_grant_gets_the_names(download, batch, second_manager, tree):
    grant_reading(second_manager, tree["building"])
    joined = "\n".join(notices_in(download(second_manager, batch)).values())
    assert "张伟" in joined and "李娜" in joined


@pytest.mark.django_db
def test_the_starter_whose_grant_ran_out_gets_names_hidden(download, batch, manager):
    AccessGrant.objects.filter(requester=manager).update(expires_at=timezone.now())
    joined = "\n".join(notices_in(download(manager, batch)).values())
    assert "张伟" not in joined and "李娜" not in joined


@pytest.mark.django_db
def test_the_copy_is_built_in_the_background_for_its_downloader_alone(
    client, download, batch, second_manager, manager, batches_run_now
):
    client.force_login(second_manager)
    with batches_run_now():
        response = client.get(f"/admin/notices/batch/{batch.pk}/download/")
    assert response.status_code == 302 and response.url == reverse("background_jobs:index")
    job = BackgroundJob.objects.get(task_name="notice_batch_copy")
    assert job.created_by == second_manager and job.status == BackgroundJob.Status.DONE
    assert (job.done, job.total) == (2, 2) and job.result_file
    # The starter sees the job in the list but may not take the copy made for someone else.
    client.force_login(manager)
    assert client.get(reverse("jobs_file", args=[job.pk])).status_code == 404
