"""The owner card: validation, tenure stage, change actions with history, contact log, papers, reports."""

from datetime import date, timedelta

import pytest
from archive_helpers import VALID_ID, add_household, add_owner
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from staff_accounts import make_user

from cms.archives import actions, reports
from cms.archives.models import (
    ArchivePaper,
    ContactLog,
    HouseholdArchive,
    Owner,
    PaperKind,
    Tenant,
    TenureStage,
    months_before,
    tenure_stage,
)
from cms.archives.validators import mainland_id_is_valid, phone_is_valid

TODAY = date(2026, 11, 25)


class TestValidation:
    def test_mainland_id_check_digit(self):
        assert mainland_id_is_valid(VALID_ID)
        assert mainland_id_is_valid(VALID_ID.lower())
        assert not mainland_id_is_valid("110105194912310021")  # wrong check digit
        assert not mainland_id_is_valid("11010519491231002")  # 17 digits

    @pytest.mark.parametrize(
        "phone", ["13812345678", "+86 13812345678", "0755-83001234", "01088886666", "020-8765432"]
    )
    def test_accepted_phones(self, phone):
        assert phone_is_valid(phone)

    @pytest.mark.parametrize(
        "phone", ["12812345678", "1381234567", "83001234", "0755-0300123", "电话"]
    )
    def test_refused_phones(self, phone):
        assert not phone_is_valid(phone)

    @pytest.mark.django_db
    def test_owner_with_bad_id_or_phone_is_refused_in_chinese(self, archive_tree):
        household = archive_tree["household"]
        with pytest.raises(ValidationError) as error:
            add_owner(household, name="王五", id_number="110105194912310021")
        assert "校验码" in error.value.message_dict["id_number"][0]
        with pytest.raises(ValidationError) as error:
            add_owner(household, name="王五", id_number="", phone="12345")
        assert "电话号码格式不正确" in error.value.message_dict["phone"][0]

    @pytest.mark.django_db
    def test_passport_numbers_are_not_checked_as_mainland_ids(self, archive_tree):
        owner = add_owner(
            archive_tree["household"],
            name="Tan",
            id_type=Owner.IdType.PASSPORT,
            id_number="E1234567",
        )
        assert owner.pk

    @pytest.mark.django_db
    def test_tenant_lease_cannot_end_before_it_starts(self, archive_tree):
        tenant = Tenant(
            household=archive_tree["household"],
            kind=Tenant.Kind.SHOP,
            name="阿明便利店",
            phone="0755-83001234",
            lease_start=date(2026, 3, 1),
            lease_end=date(2026, 2, 1),
        )
        with pytest.raises(ValidationError) as error:
            tenant.full_clean(exclude=["household"])
        assert "租期结束" in error.value.message_dict["lease_end"][0]

    @pytest.mark.django_db
    def test_satisfaction_three_or_four_needs_a_care_plan(self, archive_tree):
        household = HouseholdArchive.objects.get(pk=archive_tree["household"].pk)
        household.satisfaction = 3
        with pytest.raises(ValidationError) as error:
            household.full_clean()
        assert "关怀计划" in error.value.message_dict["care_plan"][0]
        household.care_plan = "每月电话回访一次，跟进噪音问题"
        household.full_clean()
        household.satisfaction, household.care_plan = 5, ""
        household.full_clean()

    @pytest.mark.django_db
    def test_do_not_visit_needs_a_reason_and_stops_visits(self, users, archive_tree):
        household = HouseholdArchive.objects.get(pk=archive_tree["household"].pk)
        household.do_not_visit = True
        with pytest.raises(ValidationError):
            household.full_clean()
        household.do_not_visit_reason = "业主工作繁忙，要求电话联系"
        household.full_clean()
        household.save()
        with pytest.raises(ValidationError, match="谢绝拜访"):
            actions.log_contact(
                household, users["staff"], channel=ContactLog.Channel.VISIT, summary="上门"
            )
        actions.log_contact(
            household, users["staff"], channel=ContactLog.Channel.PHONE, summary="电话问候"
        )


class TestTenureStage:
    @pytest.mark.parametrize(
        ("move_in", "stage"),
        [
            (date(2026, 5, 26), TenureStage.NEW),  # one day short of 6 months
            (date(2026, 5, 25), TenureStage.BREAK_IN),  # exactly 6 months
            (date(2025, 11, 26), TenureStage.BREAK_IN),  # one day short of a year
            (date(2025, 11, 25), TenureStage.STABLE),  # exactly 1 year
            (date(2024, 11, 26), TenureStage.STABLE),  # one day short of 2 years
            (date(2024, 11, 25), TenureStage.VETERAN),  # exactly 2 years
            (TODAY, TenureStage.NEW),
        ],
    )
    def test_boundaries(self, move_in, stage):
        assert tenure_stage(move_in, TODAY) == stage

    def test_month_end_is_clamped(self):
        assert months_before(date(2026, 8, 31), 6) == date(2026, 2, 28)
        assert tenure_stage(date(2026, 2, 28), date(2026, 8, 31)) == TenureStage.BREAK_IN

    @pytest.mark.django_db
    def test_filter_agrees_with_the_computed_stage(self, archive_tree):
        building = archive_tree["building_b"]
        for room, move_in in [("601", date(2026, 5, 26)), ("602", date(2026, 5, 25))]:
            add_household(building, unit="1", floor=6, room=room, move_in_date=move_in)
        new = HouseholdArchive.objects.in_tenure_stage(TenureStage.NEW, TODAY)
        break_in = HouseholdArchive.objects.in_tenure_stage(TenureStage.BREAK_IN, TODAY)
        assert [h.room for h in new] == ["601"]
        assert [h.room for h in break_in] == ["602"]

    @pytest.mark.django_db
    def test_stage_is_computed_when_read_never_stored(self, archive_tree):
        assert not any(f.name == "tenure_stage" for f in HouseholdArchive._meta.fields)


@pytest.mark.django_db
class TestChangeActions:
    def test_contact_change_keeps_the_old_number_with_who_when_why(self, users, archive_tree):
        owner = archive_tree["household"].owners.get()
        change = actions.change_contact(owner, users["archivist"], "业主换号", phone="13998765432")
        owner.refresh_from_db()
        assert owner.phone == "13998765432"
        assert change.before["phone"] == "13812345678"
        assert change.changed_by == users["archivist"] and change.reason == "业主换号"
        assert archive_tree["household"].revisions.count() == 1

    def test_contact_change_refuses_a_bad_phone(self, users, archive_tree):
        owner = archive_tree["household"].owners.get()
        with pytest.raises(ValidationError):
            actions.change_contact(owner, users["archivist"], "换号", phone="12345")
        owner.refresh_from_db()
        assert owner.phone == "13812345678"

    def test_owner_change_keeps_the_previous_owner_with_dates(self, users, archive_tree):
        household = archive_tree["household"]
        change = actions.change_owner(
            household,
            users["archivist"],
            "二手房过户",
            [{"name": "赵敏", "id_number": "440306198512153012", "phone": "13600001111"}],
            changed_on=date(2026, 10, 8),
        )
        household = HouseholdArchive.objects.get(pk=household.pk)
        assert household.owner_names == "赵敏"
        former = household.owners.get(name="张伟")
        assert not former.is_current and former.owned_until == date(2026, 10, 8)
        assert household.owners.get(name="赵敏").owned_since == date(2026, 10, 8)
        assert change.before["owners"][0]["name"] == "张伟"
        assert list(household.changes.values_list("kind", flat=True)) == ["owner"]

    def test_owner_change_with_a_bad_id_changes_nothing(self, users, archive_tree):
        household = archive_tree["household"]
        with pytest.raises(ValidationError):
            actions.change_owner(
                household, users["archivist"], "过户", [{"name": "赵敏", "id_number": "123"}]
            )
        assert HouseholdArchive.objects.get(pk=household.pk).owner_names == "张伟"

    def test_timeline_on_the_reading_page(self, client, users, archive_tree):
        owner = archive_tree["household"].owners.get()
        actions.change_contact(owner, users["archivist"], "业主换号", phone="13998765432")
        client.force_login(users["archivist"])
        html = client.get(
            f"/admin/archives/households/{archive_tree['household'].pk}/"
        ).content.decode()
        assert "联系方式变更：业主换号" in html


@pytest.mark.django_db
class TestContactLog:
    def test_interview_needs_the_need(self, users, archive_tree):
        with pytest.raises(ValidationError, match="客户需求"):
            actions.log_contact(
                archive_tree["household"],
                users["manager"],
                channel=ContactLog.Channel.VISIT,
                summary="年度访谈",
                is_interview=True,
            )

    def test_interview_quota(self, users, archive_tree):
        for household in (archive_tree["household"], archive_tree["other"]):
            actions.log_contact(
                household,
                users["manager"],
                channel=ContactLog.Channel.VISIT,
                contacted_on=date(2026, 11, 3),
                summary="访谈",
                is_interview=True,
                need="电梯维保",
                measure="安排维保公司说明",
                done=True,
                satisfaction=4,
            )
        rows = {row["user"].username: row for row in reports.interview_quota(2026, 11)}
        assert rows["jingli1"]["done"] == 2 and rows["jingli1"]["met"]
        assert rows["kefu1"]["done"] == 0 and rows["kefu1"]["required"] == 10


@pytest.mark.django_db
class TestPapersAndReports:
    def test_missing_papers(self, archive_tree):
        household = archive_tree["household"]
        paper = ArchivePaper(household=household, kind=PaperKind.OWNER_CARD)
        paper.file.save("card.pdf", ContentFile(b"card"), save=False)
        paper.save()
        missing = reports.missing_papers(household)
        assert "业主资料卡" not in missing
        assert missing == ["交付通知书", "前期物业服务协议", "管理规约", "房屋交付验收记录"]
        report = dict(reports.households_missing_papers([household]))
        assert report[household] == missing
        household.occupancy = HouseholdArchive.Occupancy.RENTED
        assert "租户/商户管理服务协议" in reports.missing_papers(household)

    def test_late_entries(self, archive_tree):
        building = archive_tree["building_b"]
        late = add_household(
            building, unit="1", floor=8, room="801", handover_date=TODAY - timedelta(days=8)
        )
        add_household(
            building, unit="1", floor=8, room="802", handover_date=TODAY - timedelta(days=3)
        )
        complete = add_household(
            building, unit="1", floor=8, room="803", handover_date=TODAY - timedelta(days=30)
        )
        add_owner(complete, name="钱七")
        assert list(reports.late_entries(TODAY)) == [late]

    def test_unvisited_new_owners(self, users, archive_tree):
        building = archive_tree["building_b"]
        waiting = add_household(
            building, unit="1", floor=9, room="901", move_in_date=TODAY - timedelta(days=7)
        )
        visited = add_household(
            building, unit="1", floor=9, room="902", move_in_date=TODAY - timedelta(days=10)
        )
        actions.log_contact(
            visited,
            users["staff"],
            channel=ContactLog.Channel.VISIT,
            summary="入住拜访",
            contacted_on=TODAY - timedelta(days=2),
        )
        add_household(
            building,
            unit="1",
            floor=9,
            room="903",
            move_in_date=TODAY - timedelta(days=10),
            do_not_visit=True,
            do_not_visit_reason="谢绝",
        )
        add_household(
            building, unit="1", floor=9, room="904", move_in_date=TODAY - timedelta(days=6)
        )
        assert list(reports.unvisited_new_owners(TODAY)) == [waiting]


@pytest.mark.django_db
def test_reports_page_for_archivists(client, users, archive_tree):
    client.force_login(users["archivist"])
    response = client.get("/admin/archives/reports/?month=2026-11")
    assert response.status_code == 200
    assert "访谈指标（2026-11）" in response.content.decode()
    client.force_login(make_user("kefu2"))
    assert client.get("/admin/archives/reports/").status_code != 200


@pytest.mark.django_db
class TestActionScreens:
    def test_archivist_records_an_owner_change_in_the_admin(self, client, users, archive_tree):
        household = archive_tree["household"]
        client.force_login(users["archivist"])
        url = f"/admin/archives/households/{household.pk}/owner/"
        form = {
            "name": "赵敏",
            "id_type": "mainland",
            "id_number": "440306198512153013",
            "phone": "13600001111",
            "reason": "二手房过户",
            "changed_on": "2026-10-08",
        }
        assert "校验码" in client.post(url, form).content.decode()
        assert HouseholdArchive.objects.get(pk=household.pk).owner_names == "张伟"
        response = client.post(url, {**form, "id_number": "440306198512153012"})
        assert response.status_code == 302
        assert HouseholdArchive.objects.get(pk=household.pk).owner_names == "赵敏"

    def test_close_and_reopen_from_the_reading_page(self, client, users, archive_tree):
        household = archive_tree["household"]
        client.force_login(users["archivist"])
        url = f"/admin/archives/households/{household.pk}/close/"
        client.post(url, {"reason": "房屋合并"})
        assert HouseholdArchive.objects.get(pk=household.pk).is_closed
        client.post(url, {"reason": "合并取消"})
        assert not HouseholdArchive.objects.get(pk=household.pk).is_closed

    def test_staff_may_not_change_an_archive(self, client, users, archive_tree):
        client.force_login(users["staff"])
        url = f"/admin/archives/households/{archive_tree['household'].pk}/close/"
        client.post(url, {"reason": "试试"})
        assert not HouseholdArchive.objects.get(pk=archive_tree["household"].pk).is_closed

    def test_archivist_changes_a_phone_in_the_admin(self, client, users, archive_tree):
        household = archive_tree["household"]
        owner = household.owners.get()
        client.force_login(users["archivist"])
        url = f"/admin/archives/households/{household.pk}/contact/"
        form = {"owner": owner.pk, "phone": "12345", "reason": "业主换号"}
        assert "张伟（现联系电话 13812345678）" in client.get(url).content.decode()
        assert "电话号码格式不正确" in client.post(url, form).content.decode()
        client.post(url, {**form, "phone": "13998765432"})
        owner.refresh_from_db()
        assert owner.phone == "13998765432"

    def test_granted_staff_logs_an_interview(self, client, users, archive_tree):
        household = archive_tree["household"]
        grant = actions.request_access(users["staff"], "入住回访", 1, household=household)
        actions.approve_access(grant, users["manager"])
        client.force_login(users["staff"])
        client.post(
            f"/admin/archives/households/{household.pk}/contacts/add/",
            {
                "contacted_on": "2026-11-20",
                "channel": "visit",
                "summary": "入住回访",
                "is_interview": "on",
                "need": "希望增加快递柜",
                "measure": "已反映给物业主管",
                "satisfaction": 4,
            },
        )
        entry = household.contacts.get()
        assert entry.is_interview and entry.staff == users["staff"]


def test_household_list_finds_owners_by_name_and_phone_masked(client, users, archive_tree):
    client.force_login(users["archivist"])
    url = "/admin/archives/"
    by_name = client.get(url, {"q": "李娜"}).content.decode()
    assert "301室" in by_name and "1201室" not in by_name
    by_phone = client.get(url, {"q": "83001234"}).content.decode()
    assert "301室" in by_phone and "0755-83001234" not in by_phone
    by_tail = client.get(url, {"q": "5678"}).content.decode()
    assert "1201室" in by_tail and "13812345678" not in by_tail
