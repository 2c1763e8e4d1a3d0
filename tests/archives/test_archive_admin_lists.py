"""The archive's admin lists run over pages instead of stopping at a fixed number of rows, and
the household list's export is the catalogue of what it is filtered to."""

import io
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cms.archives.models import AccessGrant, AccessRecord, Hold

pytestmark = pytest.mark.django_db

MANY = 130


def assert_the_oldest_is_on_a_later_page(client, url, label):
    """The newest row opens the list, the oldest (``label(0)``) is paged to, not cut off."""
    first = client.get(url).content.decode()
    assert label(MANY - 1) in first and label(0) not in first
    later = [client.get(url, {"p": page}).content.decode() for page in (2, 3)]
    assert any(label(0) in page for page in later)


def test_decided_grants_run_over_pages(client, users, archive_tree):
    now = timezone.now()
    AccessGrant.objects.bulk_create(
        AccessGrant(
            requester=users["staff"],
            household=archive_tree["household"],
            reason=f"核对第{number:03d}号",
            status=AccessGrant.Status.REFUSED,
            requested_at=now - timedelta(minutes=MANY - number),
        )
        for number in range(MANY)
    )
    client.force_login(users["manager"])
    url = reverse("archives_admin:grants")
    assert_the_oldest_is_on_a_later_page(client, url, lambda number: f"核对第{number:03d}号")


def test_holds_run_over_pages(client, users, archive_tree):
    now = timezone.now()
    household = archive_tree["household"]
    Hold.objects.bulk_create(
        Hold(
            content_type=ContentType.objects.get_for_model(household, for_concrete_model=False),
            object_id=household.pk,
            target_label="业户档案 翠湖花园 3栋 2单元 1201室",
            reason=f"第{number:03d}次诉讼",
            placed_by=users["manager"],
            placed_at=now - timedelta(minutes=MANY - number),
            lifted_by=users["manager"],
            lifted_at=now,
            lift_reason="已结案",
        )
        for number in range(MANY)
    )
    client.force_login(users["manager"])
    url = reverse("archives_admin:holds")
    assert_the_oldest_is_on_a_later_page(client, url, lambda number: f"第{number:03d}次诉讼")


def exported_rows(response):
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


def test_the_household_list_exports_the_catalogue_of_its_filter(client, users, archive_tree):
    client.force_login(users["archivist"])
    url = reverse("archives_admin:households")
    building = archive_tree["building_b"]
    response = client.get(url, {"building": building.pk, "export": "xlsx"})
    rows = exported_rows(response)
    assert rows[0][:2] == ("序号", "小区")
    assert [row[4:6] for row in rows[1:]] == [("301", "李娜")]
    assert quote("5栋") in response["Content-Disposition"]
    assert list(AccessRecord.objects.values_list("household", "via")) == [
        (archive_tree["other"].pk, AccessRecord.Via.EXPORT)
    ]


def test_only_archivists_export_the_household_list(client, users, archive_tree):
    client.force_login(users["staff"])
    url = reverse("archives_admin:households")
    response = client.get(url, {"export": "csv"})
    assert response.status_code in (302, 403)
    assert not AccessRecord.objects.exists()


def test_the_catalogue_of_an_estate_holds_its_closed_archives_too(client, users, archive_tree):
    other = archive_tree["other"]
    other.is_closed = True
    other.save_revision().publish()
    client.force_login(users["archivist"])
    url = reverse("archives_admin:catalogue")
    rows = exported_rows(client.get(url, {"estate": archive_tree["estate"].pk}))
    assert [row[5] for row in rows[1:]] == ["张伟", "李娜"]


def test_a_paper_is_saved_under_its_chinese_name_and_never_cached(client, users, archive_tree):
    from django.core.files.base import ContentFile

    from cms.archives.models import ArchivePaper, PaperKind

    paper = ArchivePaper(household=archive_tree["household"], kind=PaperKind.OWNER_CARD)
    paper.file.save("业主卡.pdf", ContentFile(b"%PDF-1.4 card"), save=False)
    paper.save()
    client.force_login(users["archivist"])
    response = client.get(reverse("archives:paper", args=[paper.pk]))
    assert "filename*=UTF-8''%E4%B8%9A%E4%B8%BB%E5%8D%A1" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"


def test_the_register_says_how_many_deletes_were_refused_beyond_those_it_lists(
    client, users, archive_tree
):
    from cms.archives.models import DeletionAttempt

    household = archive_tree["household"]
    DeletionAttempt.objects.bulk_create(
        DeletionAttempt(
            user=users["archivist"],
            page_id_attempted=household.pk,
            page_title=household.title,
            via="bulk",
        )
        for _ in range(51)
    )
    client.force_login(users["manager"])
    body = client.get(reverse("archives_admin:register")).content.decode()
    assert "共 51 次，列出最近 50 次" in body


def test_the_reading_page_says_how_many_contacts_there_are_beyond_those_it_lists(
    client, users, archive_tree
):
    from cms.archives.models import ContactLog

    household = archive_tree["household"]
    ContactLog.objects.bulk_create(
        ContactLog(
            household=household,
            staff=users["staff"],
            channel=ContactLog.Channel.VISIT,
            summary=f"第{number}次上门",
        )
        for number in range(51)
    )
    client.force_login(users["archivist"])
    body = client.get(reverse("archives_admin:household", args=[household.pk])).content.decode()
    assert "共 51 条，列出最近 50 条" in body
