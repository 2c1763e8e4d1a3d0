"""The manager watches the register: the daily chain check and its result on the
dashboard, alerts for many readings or readings outside working hours, and the
"from where" column that a client cannot forge."""

from datetime import datetime

import pytest
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from cms.archives import policy
from cms.archives.models import AccessRecord, RegisterCheck
from cms.archives.tasks import verify_register_daily

pytestmark = pytest.mark.django_db


def test_daily_task_keeps_its_result_for_the_dashboard(client, users, archive_tree):
    policy.record_access(users["archivist"], archive_tree["household"], "admin")
    result = verify_register_daily.call()
    assert result["ok"] and result["checked"] == 1
    assert RegisterCheck.objects.get().ok
    client.force_login(users["manager"])
    body = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "查阅登记簿校验通过：共 1 条登记" in body


@override_settings(ARCHIVES_DAILY_READING_LIMIT=1)
def test_many_households_in_a_day_and_after_hours_are_flagged(client, users, archive_tree):
    for household in (archive_tree["household"], archive_tree["other"], archive_tree["other"]):
        policy.record_access(users["archivist"], household, "admin")
    policy.record_access(users["manager"], archive_tree["other"], "read")
    client.force_login(users["manager"])
    body = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "今日查阅超过 1 户的人员（1）" in body
    assert "dangan1：2 户" in body


def test_outside_working_hours_uses_the_centre_hours(users, archive_tree):
    from cms.archives.register import outside_working_hours

    def reading(when):
        return AccessRecord(
            user=users["archivist"],
            household=archive_tree["household"],
            via=AccessRecord.Via.ADMIN,
            accessed_at=timezone.make_aware(when),
        )

    night = reading(datetime(2026, 12, 1, 22, 5))
    noon = reading(datetime(2026, 12, 1, 12, 0))
    saturday = reading(datetime(2026, 12, 5, 10, 0))
    AccessRecord.objects.bulk_create([night, noon, saturday])
    found = outside_working_hours(AccessRecord.objects.order_by("accessed_at"))
    assert list(found) == [night, saturday]


class TestFromWhere:
    def request(self, remote, forwarded=None):
        meta = {"REMOTE_ADDR": remote}
        if forwarded:
            meta["HTTP_X_FORWARDED_FOR"] = forwarded
        return RequestFactory().get("/", **meta)

    def test_a_client_cannot_choose_its_address(self):
        assert policy.client_ip(self.request("203.0.113.9", "10.1.1.1")) == "203.0.113.9"

    @override_settings(ARCHIVES_TRUSTED_PROXIES=["127.0.0.1"])
    def test_behind_a_trusted_proxy_the_nearest_client_hop_counts(self):
        request = self.request("127.0.0.1", "6.6.6.6, 198.51.100.7")
        assert policy.client_ip(request) == "198.51.100.7"

    @override_settings(ARCHIVES_TRUSTED_PROXIES=["127.0.0.1"])
    def test_garbage_in_the_header_is_not_an_address(self):
        assert policy.client_ip(self.request("127.0.0.1", "<script>")) is None


def test_register_report_by_user_and_way_of_reading_exports_to_excel(client, users, archive_tree):
    import io

    from openpyxl import load_workbook

    policy.record_access(users["archivist"], archive_tree["household"], "admin")
    policy.record_access(users["archivist"], archive_tree["other"], "document")
    policy.record_access(users["manager"], archive_tree["other"], "read")
    client.force_login(users["manager"])
    url = reverse("archives_admin:register")
    query = {"user": users["archivist"].pk, "via": "document", "export": "xlsx"}
    sheet = load_workbook(io.BytesIO(client.get(url, query).content)).active
    rows = [
        row
        for row in sheet.iter_rows(values_only=True)
        if any("室" in str(cell) for cell in row if cell)
    ]
    assert len(rows) == 1 and "301室" in rows[0][2] and rows[0][3] == "资料下载"


def test_register_report_by_household_and_date_range(client, users, archive_tree):
    """A reading on the 3rd of the month and two on the 10th: the manager asks for one
    household between the 9th and the 11th and sees that one line only."""
    from cms.archives import register

    def reading(household, day):
        at = timezone.make_aware(datetime(2026, 11, day, 10, 0))
        register.append_many(
            [{"user": users["archivist"], "household": household, "via": "admin", "accessed_at": at}]
        )

    reading(archive_tree["household"], 3)
    reading(archive_tree["household"], 10)
    reading(archive_tree["other"], 10)
    client.force_login(users["manager"])
    query = {
        "household": archive_tree["household"].pk,
        "accessed_at_from": "2026-11-09",
        "accessed_at_to": "2026-11-11",
    }
    html = client.get(reverse("archives_admin:register"), query).content.decode()
    assert "2026-11-10 10:00" in html and "2026-11-03" not in html
    assert "3栋 2单元 1201室" in html and "301室" not in html.split('id="register"')[1]


@override_settings(ARCHIVES_DAILY_READING_LIMIT=1)
def test_the_register_report_shows_the_days_alerts(client, users, archive_tree):
    policy.record_access(users["archivist"], archive_tree["household"], "admin")
    policy.record_access(users["archivist"], archive_tree["other"], "admin")
    client.force_login(users["manager"])
    html = client.get(reverse("archives_admin:register")).content.decode()
    assert "今日查阅超过 1 户的人员（1）" in html and "dangan1：2 户" in html


def test_a_late_reading_is_flagged_however_busy_the_day(users, archive_tree):
    from cms.archives.register import alerts

    wednesday = datetime(2026, 12, 2)
    at = timezone.make_aware(wednesday.replace(hour=10))
    busy = [
        AccessRecord(
            user=users["archivist"],
            household=archive_tree["household"],
            via=AccessRecord.Via.EXPORT,
            accessed_at=at,
        )
        for _ in range(600)
    ]
    late = AccessRecord(
        user=users["manager"],
        household=archive_tree["other"],
        via=AccessRecord.Via.READ,
        accessed_at=at.replace(hour=23, minute=30),
    )
    AccessRecord.objects.bulk_create([*busy, late])
    flagged = alerts(wednesday.date())
    assert flagged["after_hours_count"] == 1
    assert [record.accessed_at for record in flagged["after_hours"]] == [late.accessed_at]
