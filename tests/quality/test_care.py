"""Care lists around month and year ends, and the message outbox."""

import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from cases.models import CalendarDay
from cms.archives.models import ContactLog, FamilyMember, HouseholdArchive, Owner
from quality import care, messaging
from quality.models import Birthday, HouseholdCareInfo, MessageTemplate, OutboxMessage


def id_born(day):
    """A valid-looking mainland number born on ``day`` (check digit computed)."""
    from cms.archives.validators import with_check_digit

    return with_check_digit(f"440305{day:%Y%m%d}123")


@pytest.fixture
def household(buildings):
    from quality_helpers import add_household

    return add_household(buildings[0], "1201", move_in_date=date(2026, 12, 27))


def owner(household, name, born, gender="female"):
    return Owner.objects.create(household=household, name=name, gender=gender,
                                id_number=id_born(born), phone="13800001111")


def lists(start, end):
    return care.care_lists(HouseholdArchive.objects.all(), start, end)


def test_birthdays_across_the_year_end(household):
    owner(household, "李梅", date(1980, 12, 31))
    owner(household, "赵强", date(1979, 1, 2), gender="male")
    owner(household, "钱多", date(1979, 1, 4))
    Birthday.objects.create(household=household, name="李小宝", relation="子女",
                            birthday=date(2015, 1, 1))
    found = lists(date(2026, 12, 30), date(2027, 1, 2))["birthday"]
    assert [(e.on, e.who) for e in found] == [
        (date(2026, 12, 31), "业主 李女士"),
        (date(2027, 1, 1), "子女 李小宝"),
        (date(2027, 1, 2), "业主 赵先生"),
    ]


def test_a_leap_day_birthday_is_greeted_on_the_28th_in_other_years(household):
    owner(household, "孙悦", date(1988, 2, 29))
    assert [e.on for e in lists(date(2027, 2, 27), date(2027, 3, 1))["birthday"]] == [
        date(2027, 2, 28)
    ]
    assert [e.on for e in lists(date(2028, 2, 28), date(2028, 3, 1))["birthday"]] == [
        date(2028, 2, 29)
    ]


def test_holidays_come_from_the_working_calendar(db):
    CalendarDay.objects.create(date=date(2027, 1, 1), name="元旦")
    CalendarDay.objects.create(date=date(2027, 1, 2), name="元旦")
    found = lists(date(2026, 12, 28), date(2027, 1, 1))["holiday"]
    assert [(e.on, e.who) for e in found] == [(date(2027, 1, 1), "元旦")]
    assert "01月02日" in found[0].note
    # 2026 National Day from the seeded calendar, seen from a range ending on 2 October
    national = lists(date(2026, 9, 30), date(2026, 10, 2))["holiday"]
    assert [e.who for e in national] == ["国庆节"]


def test_new_owners_within_a_week_across_the_month_end(household):
    found = lists(date(2027, 1, 1), date(2027, 1, 5))["welcome"]
    assert [(e.household_id, e.on) for e in found] == [(household.pk, date(2027, 1, 3))]
    assert lists(date(2027, 1, 4), date(2027, 1, 10))["welcome"] == []


def test_warranties_ending_within_a_month_are_listed_a_month_ahead(household):
    HouseholdCareInfo.objects.create(household=household, warranty_ends_on=date(2027, 1, 31))
    found = lists(date(2027, 1, 1), date(2027, 1, 7))["warranty"]
    assert [e.on for e in found] == [date(2027, 1, 1)]
    # 31 March less a month is the end of February
    HouseholdCareInfo.objects.filter(household=household).update(warranty_ends_on=date(2027, 3, 31))
    assert [e.on for e in lists(date(2027, 2, 25), date(2027, 3, 3))["warranty"]] == [
        date(2027, 2, 28)
    ]
    assert lists(date(2027, 1, 1), date(2027, 1, 7))["warranty"] == []


def test_happy_events_from_the_contact_log(household, staff):
    ContactLog.objects.create(household=household, staff=staff, channel="phone",
                              contacted_on=date(2026, 12, 31), summary="业主告知女儿下月结婚")
    ContactLog.objects.create(household=household, staff=staff, channel="phone",
                              contacted_on=date(2026, 12, 31), summary="报修厨房水龙头")
    found = lists(date(2026, 12, 31), date(2027, 1, 1))["happy_event"]
    assert len(found) == 1 and "结婚" in found[0].note


def test_a_range_over_a_year_or_backwards_is_refused(db):
    with pytest.raises(ValidationError, match="结束日期"):
        lists(date(2027, 1, 2), date(2027, 1, 1))
    with pytest.raises(ValidationError, match="一年"):
        lists(date(2026, 1, 1), date(2027, 1, 2))


def test_outbox_status_per_recipient_and_the_timeline(household, staff, tmp_path,
                                                     django_capture_on_commit_callbacks):
    owner(household, "李梅", date(1980, 12, 31))
    owner(household, "赵强", date(1979, 1, 2), gender="male")
    FamilyMember.objects.create(household=household, name="李小宝", relation="子女")
    MessageTemplate.objects.create(occasion="birthday", text="{称呼}您好，{小区}{房号}祝您生日快乐")
    backend = messaging.FileBackend(tmp_path / "sms.jsonl")
    with django_capture_on_commit_callbacks(execute=True):
        rows = messaging.send_message(household, by=staff, occasion="birthday", backend=backend)
    assert [r.recipient for r in rows] == ["李女士", "赵先生"]
    sent = [json.loads(line) for line in (tmp_path / "sms.jsonl").read_text().splitlines()]
    assert sent[0] == {"phone": "13800001111", "text": "李女士您好，翠湖花园1栋1201室祝您生日快乐"}
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}
    timeline = ContactLog.objects.filter(household=household, summary__startswith="短信")
    assert timeline.count() == 2


class BrokenGateway(messaging.BaseBackend):
    def send(self, phone, text):
        raise messaging.MessageBackendError("短信网关返回 503。")


def test_a_failed_send_is_kept_with_its_reason(household, staff,
                                              django_capture_on_commit_callbacks):
    owner(household, "李梅", date(1980, 12, 31))
    with django_capture_on_commit_callbacks(execute=True):
        messaging.send_message(household, "测试", by=staff, backend=BrokenGateway())
    row = OutboxMessage.objects.get()
    assert row.status == "failed" and "503" in row.error
    assert not ContactLog.objects.filter(household=household).exists()


def test_no_message_to_a_household_that_refused_contact(household, staff, tmp_path,
                                                       django_capture_on_commit_callbacks):
    owner(household, "李梅", date(1980, 12, 31))
    household = HouseholdArchive.objects.get(pk=household.pk)
    household.do_not_visit, household.do_not_visit_reason = True, "业主要求勿扰"
    household.save_revision().publish()
    backend = messaging.FileBackend(tmp_path / "sms.jsonl")
    with django_capture_on_commit_callbacks(execute=True):
        rows = messaging.send_message(household, "节日快乐", by=staff, backend=backend)
    assert [r.status for r in rows] == ["refused"]
    assert not (tmp_path / "sms.jsonl").exists()


def test_the_backend_is_chosen_by_setting(settings, tmp_path):
    settings.QUALITY_MESSAGE_BACKEND = "quality.messaging.FileBackend"
    settings.QUALITY_MESSAGE_FILE_PATH = str(tmp_path / "out.jsonl")
    backend = messaging.get_backend()
    assert isinstance(backend, messaging.FileBackend)
    settings.QUALITY_MESSAGE_BACKEND = "quality.messaging.HttpSmsBackend"
    settings.QUALITY_SMS_GATEWAY_URL = ""
    with pytest.raises(messaging.MessageBackendError, match="网关地址"):
        messaging.get_backend().send("13800001111", "测试")


def test_supervisor_sends_from_the_care_list_and_refused_households_get_nothing(
    household, supervisor, buildings, django_capture_on_commit_callbacks, settings, tmp_path
):
    from django.test import Client
    from django.urls import reverse
    from quality_helpers import add_household

    settings.QUALITY_MESSAGE_BACKEND = "quality.messaging.FileBackend"
    settings.QUALITY_MESSAGE_FILE_PATH = str(tmp_path / "sms.jsonl")
    owner(household, "李梅", date(1980, 12, 31))
    quiet = add_household(buildings[0], "1202", do_not_visit=True, do_not_visit_reason="勿扰")
    owner(quiet, "周静", date(1980, 12, 31))
    client = Client()
    client.force_login(supervisor)
    url = reverse("quality_care_lists") + "?start=2026-12-31&end=2026-12-31"
    page = client.get(url).content.decode()
    assert "1201室" in page and "（谢绝打扰）" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"occasion": "birthday",
                                     "household": [household.pk, quiet.pk]})
    assert response.status_code == 302
    assert OutboxMessage.objects.get(household=household).status == "sent"
    assert OutboxMessage.objects.get(household=quiet).status == "refused"
    assert len((tmp_path / "sms.jsonl").read_text().splitlines()) == 1


def test_staff_outside_any_building_see_no_household_in_care_lists(household, staff):
    from django.test import Client
    from django.urls import reverse

    owner(household, "李梅", date(1980, 12, 31))
    client = Client()
    client.force_login(staff)
    page = client.get(reverse("quality_care_lists") + "?start=2026-12-31&end=2026-12-31")
    assert page.status_code == 200 and "1201室" not in page.content.decode()
