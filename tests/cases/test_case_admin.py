"""The case admin through HTTP: intake, case page actions, history, edit conflict, reports."""

import datetime as dt
import re
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image
from staff_accounts import make_user

from cases import actions
from cases.models import Case, CaseTopic

pytestmark = pytest.mark.django_db


def intake_form(topic, **overrides):
    data = {
        "kind": "complaint",
        "channel": "web",
        "received_at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        "reporter_name": "网友“翠湖居民”",
        "reporter_phone": "",
        "location": "小区论坛",
        "topic": topic.pk,
        "description": "论坛发帖：地下车库照明损坏多日",
        "department": "工程部",
        "severity": "general",
        "people_count": 1,
        "times_count": 1,
        "version": 1,
    }
    data.update(overrides)
    return data


def test_staff_records_a_complaint_and_handles_it_on_the_case_page(client, staff):
    client.force_login(staff)
    topic = CaseTopic.objects.get(name="维修")
    response = client.post("/admin/cases/new/", intake_form(topic))
    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get()
    assert response["Location"] == f"/admin/cases/{case.pk}/"
    assert case.response_due_at is not None
    page = client.get(f"/admin/cases/{case.pk}/")
    assert "开始处理" in page.content.decode()
    client.post(f"/admin/cases/{case.pk}/", {"action": "start", "start-note": "已联系"})
    response = client.post(f"/admin/cases/{case.pk}/", {"action": "reply", "reply-result": ""})
    assert "必需字段" in response.content.decode()
    client.post(f"/admin/cases/{case.pk}/", {"action": "reply", "reply-result": "已更换灯管"})
    case.refresh_from_db()
    assert case.status == Case.Status.AWAITING_VISIT
    history = client.get(f"/admin/cases/{case.pk}/changes/").content.decode()
    assert "受理登记" in history and "回复客户" in history and "已更换灯管" in history


def test_a_refused_closing_says_why_once_and_keeps_the_reason(client, staff, new_case):
    case = new_case(reporter_phone="13800001111", description="楼上夜里装修")
    actions.start_handling(case, staff, "", handler=staff)
    actions.reply(case, staff, "已联系施工方停工")
    client.force_login(staff)
    response = client.post(
        f"/admin/cases/{case.pk}/",
        {"action": "close", "close-reason": "处理完毕", "close-confirm": "on"},
    )
    page = response.content.decode()
    assert page.count("须有满意的回访") == 1
    assert 'value="处理完毕"' in page
    case.refresh_from_db()
    assert case.status == Case.Status.AWAITING_VISIT


def test_the_second_admin_save_is_refused_and_keeps_the_input(client, staff, supervisor, new_case):
    case = new_case(handler=staff)
    url = f"/admin/cases/edit/{case.pk}/"
    form = intake_form(case.topic, kind="complaint", channel="phone", version=case.version)
    client.force_login(supervisor)
    assert client.post(url, {**form, "location": "3栋大堂"}).status_code == 302
    client.force_login(staff)
    response = client.post(url, {**form, "description": "我的补充说明不能丢"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "保存被拒绝" in body and "我的补充说明不能丢" in body
    case.refresh_from_db()
    assert case.location == "3栋大堂"
    assert case.description != "我的补充说明不能丢"


def test_staff_see_only_their_cases_and_managers_see_all(client, role_groups, manager, new_case):
    case = new_case()
    colleague = make_user("kefu2", role_groups["staff"])
    client.force_login(colleague)
    assert case.number not in client.get("/admin/cases/").content.decode()
    assert client.get(f"/admin/cases/{case.pk}/").status_code == 404
    client.force_login(manager)
    assert case.number in client.get("/admin/cases/").content.decode()


def test_evidence_is_private_to_those_who_see_the_case(
    client, role_groups, staff, new_case, settings, tmp_path
):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path)
    case = new_case()
    client.force_login(staff)
    # Evidence is checked by content, so the test sends a real picture.
    picture = BytesIO()
    Image.new("RGB", (16, 12), (120, 60, 30)).save(picture, "JPEG")
    photo = SimpleUploadedFile("louti.jpg", picture.getvalue(), content_type="image/jpeg")
    client.post(
        f"/admin/cases/{case.pk}/",
        {"action": "evidence", "evidence-file": photo, "evidence-caption": "楼道堆物照片"},
    )
    evidence = case.evidence.get()
    assert evidence.file.path.startswith(str(tmp_path))
    url = f"/admin/cases/{case.pk}/evidence/{evidence.pk}/"
    assert b"".join(client.get(url).streaming_content) == picture.getvalue()
    client.force_login(make_user("kefu3", role_groups["staff"]))
    assert client.get(url).status_code == 404


def test_managers_get_major_complaints_at_once(
    client, manager, new_case, mailoutbox, django_capture_on_commit_callbacks
):
    manager.email = "jingli@example.com"
    manager.save()
    with django_capture_on_commit_callbacks(execute=True):
        case = new_case(severity=Case.Severity.MAJOR, description="电梯困人40分钟")
    assert [m.to for m in mailoutbox] == [["jingli@example.com"]]
    assert case.number in mailoutbox[0].subject
    client.force_login(manager)
    assert case.number in client.get("/admin/").content.decode()
    register = client.get("/admin/major_cases/").content.decode()
    assert case.number in register
    export = client.get("/admin/major_cases/?export=csv")
    assert case.number in b"".join(export.streaming_content).decode()


def test_a_manager_given_the_permission_in_person_hears_of_major_cases_and_may_handle(
    manager, new_case, mailoutbox, django_capture_on_commit_callbacks
):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    from cases.forms import handler_candidates

    deputy = get_user_model().objects.create_user("fujingli", email="fujingli@example.com")
    deputy.user_permissions.add(
        Permission.objects.get(content_type__app_label="cases", codename="handle_major_case"),
        Permission.objects.get(content_type__app_label="cases", codename="change_case"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        new_case(severity=Case.Severity.MAJOR, description="水管爆裂")
    assert ["fujingli@example.com"] in [m.to for m in mailoutbox]
    assert deputy in handler_candidates()


def test_due_and_overdue_cases_show_on_the_dashboard(client, manager, new_case):
    overdue = new_case(received_at=timezone.now() - dt.timedelta(days=10))
    client.force_login(manager)
    body = client.get("/admin/").content.decode()
    assert "已超时（1）" in body and overdue.number in body
    fresh = new_case()
    listed = client.get("/admin/cases/?clock=overdue").content.decode()
    assert overdue.number in listed and fresh.number not in listed


class TestReports:
    @pytest.fixture
    def month_of_cases(self, new_case, staff):
        now = timezone.now()
        first = new_case(reporter_name="赵先生", root_cause="people", root_sub_cause="服务态度")
        second = new_case(reporter_name="钱女士")
        actions.merge_cases(first, [second], staff, "同一晚噪音")
        new_case(kind=Case.Kind.DISPUTE, topic=CaseTopic.objects.get(name="宠物"))
        return now

    @pytest.mark.parametrize("typed", ["十一月", "2026-13", "2026/11"])
    def test_a_month_typed_wrong_is_told_and_this_month_shown(self, client, manager, typed):
        client.force_login(manager)
        body = client.get("/admin/case-reports/monthly/", {"month": typed}).content.decode()
        this_month = timezone.localdate().strftime("%Y-%m")
        assert f"月份应写作 {this_month} 这样的年-月，已显示本月。" in body

    def test_monthly_report_counts_merged_cases_once_and_exports_charts(
        self, client, manager, month_of_cases
    ):
        client.force_login(manager)
        month = timezone.localtime(month_of_cases).strftime("%Y-%m")
        body = client.get(f"/admin/case-reports/monthly/?month={month}").content.decode()
        assert '<strong id="monthly-total">2</strong>' in body
        assert "<svg" in body
        export = client.get(f"/admin/case-reports/monthly/?month={month}&format=xlsx")
        workbook = load_workbook(BytesIO(export.content))
        assert workbook["概况"]["B2"].value == 2
        assert workbook["按主题"]._charts, "the topic sheet carries its chart"

    def test_public_summary_carries_no_personal_data(self, client, manager, month_of_cases):
        client.force_login(manager)
        month = timezone.localtime(month_of_cases).strftime("%Y-%m")
        body = client.get(f"/admin/case-reports/public/?month={month}").content.decode()
        export = client.get(f"/admin/case-reports/public/?month={month}&format=xlsx").content
        cells = [
            str(cell.value)
            for sheet in load_workbook(BytesIO(export)).worksheets
            for row in sheet.iter_rows()
            for cell in row
        ]
        for personal in ("赵先生", "钱女士", "5栋1单元302室", "拖动家具"):
            assert personal not in body
            assert not any(personal in cell for cell in cells)
        assert "噪音" in cells

    def test_staff_cannot_open_the_monthly_report(self, client, staff):
        client.force_login(staff)
        refused = client.get("/admin/case-reports/monthly/")
        assert (refused.status_code, refused["Location"]) == (302, "/admin/")
        assert client.get("/admin/case-reports/").status_code == 200


def test_history_button_leads_to_the_case_history_and_nobody_deletes_cases(
    client, manager, new_case
):
    case = new_case()
    client.force_login(manager)
    response = client.get(f"/admin/cases/history/{case.pk}/")
    assert response["Location"] == f"/admin/cases/{case.pk}/changes/"
    client.post(f"/admin/cases/delete/{case.pk}/")
    assert Case.objects.filter(pk=case.pk).exists()


def test_the_history_page_shows_each_linking_of_related_cases(client, manager, new_case):
    case, first, second = new_case(), new_case(), new_case()
    case.related_cases.add(first)
    case.related_cases.add(second)
    client.force_login(manager)
    page = client.get(f"/admin/cases/{case.pk}/changes/").content.decode()
    assert page.count("关联案件") == 2
    assert f"{first}、{second}" in page or f"{second}、{first}" in page


def test_same_event_cases_are_merged_on_the_case_page(client, manager, new_case):
    first, second = new_case(reporter_name="赵先生"), new_case(reporter_name="钱女士")
    client.force_login(manager)
    merge = {"action": "merge", "merge-numbers": second.number, "merge-impact_note": "整栋受影响"}
    unconfirmed = client.post(f"/admin/cases/{first.pk}/", merge)
    assert "请勾选确认后再合并同一事件。" in unconfirmed.content.decode()
    second.refresh_from_db()
    assert second.merged_into is None
    client.post(f"/admin/cases/{first.pk}/", {**merge, "merge-confirm": "on"})
    first.refresh_from_db()
    assert (first.people_count, first.times_count) == (2, 2)
    response = client.post(
        f"/admin/cases/{first.pk}/",
        {"action": "merge", "merge-numbers": "投诉-2026-999999", "merge-confirm": "on"},
    )
    assert "找不到案件：投诉-2026-999999" in response.content.decode()


def test_the_dispute_record_shows_parties_committee_members_and_meetings(client, staff, new_case):
    dispute = new_case(kind=Case.Kind.DISPUTE, description="狗在楼道便溺")
    client.force_login(staff)
    page = f"/admin/cases/{dispute.pk}/"
    client.post(page, {"action": "party", "party-name": "蒋先生", "party-position": "要求拴绳"})
    client.post(page, {"action": "start"})
    refused = client.post(page, {"action": "outcome", "outcome-outcome": "同意出门牵绳"})
    assert "至少两方当事人" in refused.content.decode()
    client.post(page, {"action": "party", "party-name": "养犬住户", "party-position": "同意"})
    client.post(
        page,
        {
            "action": "participant",
            "participant-body": "residents",
            "participant-name": "林主任",
            "participant-role": "居委会主任",
        },
    )
    client.post(page, {"action": "meeting", "meeting-note": "双方协商文明养犬"})
    client.post(page, {"action": "outcome", "outcome-outcome": "同意出门牵绳"})
    record = client.get(f"/admin/case-reports/dispute/{dispute.pk}/").content.decode()
    for text in (
        "蒋先生",
        "居委会 林主任",
        "双方协商文明养犬（参加：居委会林主任）",
        "同意出门牵绳",
    ):
        assert text in record


def test_manager_confirms_disposal_in_the_review_and_the_tombstone_is_listed(
    client, manager, new_case
):
    violation = new_case(
        kind=Case.Kind.VIOLATION,
        violation_kind=Case.ViolationKind.SANITATION,
        topic=CaseTopic.objects.get(name="乱摆放"),
    )
    actions.start_handling(violation, manager)
    actions.reply(violation, manager, "已清理")
    actions.close_case(violation, manager, "整改完毕")
    Case.objects.filter(pk=violation.pk).update(closed_at=timezone.now() - dt.timedelta(days=400))
    client.force_login(manager)
    review = client.get("/admin/case-reports/disposition/").content.decode()
    assert violation.number in review
    client.post("/admin/case-reports/disposition/", {"case": violation.pk})
    assert not Case.objects.filter(pk=violation.pk).exists()
    assert violation.number in client.get("/admin/case_tombstones/").content.decode()
    assert client.get("/admin/case_tombstones/new/").status_code == 302  # nobody writes one


def test_the_disposal_review_says_how_many_files_are_due_and_pages_through_them(
    client, manager, new_case, monkeypatch
):
    from cases.report_views import DispositionReviewView

    due = []
    for description in ("楼道堆物", "占用消防通道"):
        violation = new_case(
            kind=Case.Kind.VIOLATION,
            violation_kind=Case.ViolationKind.SANITATION,
            topic=CaseTopic.objects.get(name="乱摆放"),
            description=description,
        )
        actions.start_handling(violation, manager)
        actions.reply(violation, manager, "已清理")
        actions.close_case(violation, manager, "整改完毕")
        due.append(violation)
    Case.objects.filter(pk__in=[case.pk for case in due]).update(
        closed_at=timezone.now() - dt.timedelta(days=400)
    )
    monkeypatch.setattr(DispositionReviewView, "paginate_by", 1)
    client.force_login(manager)
    first = client.get("/admin/case-reports/disposition/").content.decode()
    assert "共 2 件到期案卷" in first and "第 1 / 2 页" in first
    second = client.get("/admin/case-reports/disposition/?p=2").content.decode()
    shown = [case.number for case in due if case.number in first]
    shown_next = [case.number for case in due if case.number in second]
    assert len(shown) == len(shown_next) == 1 and shown != shown_next


def test_the_case_list_searches_number_reporter_and_content(client, manager, new_case):
    noisy = new_case(description="楼上夜间拖动家具")
    leak = new_case(description="卫生间渗水", reporter_name="卫女士")
    client.force_login(manager)
    found = client.get("/admin/cases/", {"q": "拖动家具"}).content.decode()
    assert noisy.number in found and leak.number not in found
    assert leak.number in client.get("/admin/cases/", {"q": "卫女士"}).content.decode()


def test_the_case_page_suggests_approved_reply_scripts_for_its_topic(client, manager, new_case):
    from cms.replies.actions import publish_script, save_draft, topic_from_path
    from cms.replies.models import ReplyScript

    def script(question, approved):
        draft = ReplyScript(
            question=question, answer="<p>统一答复</p>", topic=topic_from_path("邻里关系/噪音")
        )
        if approved:
            draft = publish_script(draft, manager)
        else:
            save_draft(draft, manager)
        draft.case_topics.add(CaseTopic.objects.get(name="噪音"))
        draft.save()
        return draft

    script("楼上噪音怎么处理", approved=True)
    script("草稿：噪音的新说法", approved=False)
    case = new_case()
    client.force_login(manager)
    body = client.get(f"/admin/cases/{case.pk}/").content.decode()
    assert "楼上噪音怎么处理" in body
    assert "草稿：噪音的新说法" not in body


def test_the_case_export_opens_in_excel_with_a_title_a_frozen_header_and_wide_columns(
    client, manager, new_case
):
    case = new_case(description="楼上夜间拖动家具，影响休息，已连续三晚")
    client.force_login(manager)
    response = client.get("/admin/cases/?export=xlsx")
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    assert sheet["A1"].value.startswith("案件清单（导出于 ")
    assert [cell.value for cell in sheet[2]][:4] == ["编号", "类别", "状态", "性质"]
    assert sheet.freeze_panes == "A3"
    assert [sheet["A3"].value, sheet["B3"].value, sheet["C3"].value] == [
        case.number,
        "投诉",
        "已受理",
    ]
    assert sheet.column_dimensions["A"].width >= len(case.number)
    assert sheet.column_dimensions["K"].width > sheet.column_dimensions["B"].width


def test_the_case_export_shows_times_as_the_centre_reads_them(client, manager, new_case):
    import datetime as dt

    from django.utils import timezone

    new_case(received_at=timezone.make_aware(dt.datetime(2026, 10, 5, 9, 30)))
    client.force_login(manager)
    response = client.get("/admin/cases/?export=xlsx")
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    headings = [cell.value for cell in sheet[2]]
    received = sheet.cell(row=3, column=headings.index("受理时间") + 1).value
    # Beijing time, as on the screen: not 01:30 (UTC).
    assert received == dt.datetime(2026, 10, 5, 9, 30)


def test_case_list_exports_are_saved_under_chinese_names(client, manager, new_case):
    from urllib.parse import quote

    new_case()
    client.force_login(manager)
    for fmt in ("xlsx", "csv"):
        disposition = client.get(f"/admin/cases/?export={fmt}")["Content-Disposition"]
        assert disposition.isascii(), disposition
        assert disposition.endswith(f"filename*=UTF-8''{quote('案件清单')}.{fmt}"), disposition


def test_a_manager_marks_a_major_case_notice_read_by_a_button_not_by_opening_the_case(
    client, manager, new_case, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = new_case(severity=Case.Severity.MAJOR, description="电梯困人40分钟")
    notice = case.manager_notices.get(user=manager)
    client.force_login(manager)
    page = client.get(f"/admin/cases/{case.pk}/").content.decode()
    notice.refresh_from_db()
    assert notice.read_at is None
    assert "标为已读" in page
    dashboard = client.get("/admin/").content.decode()
    assert notice.message in dashboard
    button = re.search(r'class="case-notice-read">\s*<input[^>]*value="([^"]+)"', dashboard)
    client.handler.enforce_csrf_checks = True  # as a browser would
    response = client.post(
        f"/admin/cases/{case.pk}/notices/read/",
        {"next": "/admin/", "csrfmiddlewaretoken": button.group(1)},
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert notice.message not in client.get("/admin/").content.decode()
    assert "标为已读" not in client.get(f"/admin/cases/{case.pk}/").content.decode()


def test_marking_notices_read_is_refused_on_get_and_off_site_next(client, manager, new_case):
    case = new_case(severity=Case.Severity.MAJOR)
    client.force_login(manager)
    url = f"/admin/cases/{case.pk}/notices/read/"
    assert client.get(url).status_code == 405
    response = client.post(url, {"next": "https://example.com/"})
    assert response["Location"] == f"/admin/cases/{case.pk}/"
