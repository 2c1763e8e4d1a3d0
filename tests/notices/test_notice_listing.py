"""The list of issued notices (Wagtail's generic index): filters, who sees what, and an
Excel export that opens well (title row, frozen header, widths, local times)."""

import io

import pytest
from openpyxl import load_workbook

from core.downloads import attachment_header
from doc_templates import actions
from doc_templates.kinds import NoticeKind
from doc_templates.values import NoticeOptions


@pytest.fixture
def issued(manager, violation_case, make_case, tree):
    rectification = actions.issue_notice(
        NoticeKind.RECTIFICATION, manager, case=violation_case, options=NoticeOptions(action="拆除")
    )
    dispute = make_case(kind="dispute", topic="噪音", household=tree["neighbour"])
    reminder = actions.issue_notice(NoticeKind.TRI_PARTY, manager, case=dispute)
    return rectification, reminder


@pytest.mark.django_db
def test_the_list_filters_by_kind(client, manager, issued):
    rectification, reminder = issued
    client.force_login(manager)
    page = client.get("/admin/notices/", {"kind": "tri_party"}).content.decode()
    assert reminder.number in page and rectification.number not in page


@pytest.mark.django_db
def test_staff_list_only_the_notices_of_their_cases(client, role_groups, issued):
    from staff_accounts import make_user

    from core.roles import STAFF

    other = make_user("kefu-other", role_groups[STAFF])
    client.force_login(other)
    page = client.get("/admin/notices/").content.decode()
    assert issued[0].number not in page and issued[1].number not in page


@pytest.mark.django_db
def test_the_excel_export_has_a_title_a_frozen_header_and_fitted_columns(client, manager, issued):
    client.force_login(manager)
    response = client.get("/admin/notices/", {"export": "xlsx"})
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    data = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet["A1"].value.startswith("已签发文书登记")
    assert "A1" in {str(r).split(":")[0] for r in sheet.merged_cells.ranges}
    headings = [cell.value for cell in sheet[2]]
    assert headings[:4] == ["文号", "文书类型", "案件编号", "业户地址"]
    assert sheet.freeze_panes == "A3"
    numbers = {sheet.cell(row=row, column=1).value for row in range(3, sheet.max_row + 1)}
    assert numbers == {notice.number for notice in issued}
    address_width = sheet.column_dimensions["D"].width
    assert address_width >= len("翠湖花园 3栋 2单元 1201室") * 1.5
    assert sheet.column_dimensions["H"].width <= 60
    issued_at = sheet.cell(row=3, column=6).value
    from django.utils import timezone

    newest = max(issued, key=lambda n: n.issued_at)
    assert issued_at.strftime("%H:%M") == timezone.localtime(newest.issued_at).strftime("%H:%M")
    assert "张伟" not in str([[c.value for c in row] for row in sheet.iter_rows()])


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("plain.docx", 'attachment; filename="plain.docx"'),
        (
            "整改通知书-〔2026〕整改第3号.docx",
            "attachment; filename=\"2026_3.docx\"; filename*=UTF-8''"
            "%E6%95%B4%E6%94%B9%E9%80%9A%E7%9F%A5%E4%B9%A6-%E3%80%942026%E3%80%95"
            "%E6%95%B4%E6%94%B9%E7%AC%AC3%E5%8F%B7.docx",
        ),
        ('a"b\r\n.docx', "attachment; filename=\"a_b.docx\"; filename*=UTF-8''a%22b.docx"),
    ],
)
def test_downloads_name_files_the_rfc_6266_way(name, expected):
    assert attachment_header(name) == expected


@pytest.mark.django_db
def test_the_case_form_has_no_default_kind_and_reads_only_the_chosen_kinds_fields(
    client, manager, violation_case
):
    client.force_login(manager)
    page = client.get(f"/admin/notices/case/{violation_case.pk}/").content.decode()
    assert '<option value="" selected>请选择文书类型</option>' in page
    response = client.post(
        f"/admin/notices/case/{violation_case.pk}/",
        {"issue": "1", "confirm": "1", "action": "拆除"},
    )
    assert "请选择文书类型。" in response.content.decode()
    # A value typed for another kind (堆放物品 of a clutter reminder) does not reach the notice.
    response = client.post(
        f"/admin/notices/case/{violation_case.pk}/",
        {
            "kind": "rectification",
            "action": "拆除彩钢板房",
            "deadline_days": "5",
            "working_days": "1",
            "items": "旧沙发",
            "topic": "宠物",
            "preview": "1",
        },
    )
    from notice_helpers import all_text, docx

    text = all_text(docx(response.content))
    assert "旧沙发" not in text and "拆除彩钢板房" in text


@pytest.mark.django_db
def test_wagtails_own_screens_of_the_viewset_change_nothing_and_show_no_owner(
    client, manager, staff, issued
):
    notice = issued[0]
    urls = [
        "/admin/notices/new/",
        f"/admin/notices/edit/{notice.pk}/",
        f"/admin/notices/delete/{notice.pk}/",
        f"/admin/notices/history/{notice.pk}/",
        f"/admin/notices/usage/{notice.pk}/",
        "/admin/notices/results/",
    ]
    for user in (manager, staff):
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code in (200, 302, 403, 404), (url, response.status_code)
            assert "张伟" not in response.content.decode(), url
        response = client.post(f"/admin/notices/delete/{notice.pk}/")
        assert response.status_code in (302, 403, 404)
    from doc_templates.models import Notice

    assert Notice.objects.filter(pk=notice.pk).exists()


def exported_rows(response):
    data = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(data)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]


@pytest.mark.django_db
def test_the_template_list_filters_by_kind_and_exports_every_version(client, manager, issued):
    client.force_login(manager)
    page = client.get("/admin/notices/templates/", {"kind": "tri_party"}).content.decode()
    assert "三方温馨提示" in page and "整改通知书" not in page.split("<tbody")[1]
    assert "/admin/notices/templates/upload/" in page
    rows = exported_rows(client.get("/admin/notices/templates/", {"export": "xlsx"}))
    assert rows[0][:2] == ["文书类型", "版本号"]
    assert sorted(row[0] for row in rows[1:]) == ["三方温馨提示", "整改通知书"]


@pytest.mark.django_db
def test_the_batch_list_opens_each_batch_and_filters_by_status(
    client, manager, staff, tree, batches_run_now
):
    client.force_login(manager)
    with batches_run_now():
        client.post("/admin/notices/batch/", {"scope": str(tree["building"].pk), "topic": "噪音"})
    from doc_templates.models import NoticeBatch

    batch = NoticeBatch.objects.get()
    page = client.get("/admin/notices/batches/").content.decode()
    assert f'href="/admin/notices/batch/{batch.pk}/"' in page and "2/2" in page
    assert "张伟" not in page
    assert "3栋" not in client.get("/admin/notices/batches/", {"status": "failed"}).content.decode()
    rows = exported_rows(client.get("/admin/notices/batches/", {"export": "xlsx"}))
    assert rows[1][:5] == ["3栋", "噪音", 2, 2, "已完成"] and rows[1][5] == "王立新"
    client.force_login(staff)
    assert client.get("/admin/notices/batches/").url == "/admin/"


@pytest.mark.django_db
def test_a_notices_history_lists_issuing_delivery_and_correction_for_those_who_see_it(
    client, manager, staff, role_groups, issued
):
    from staff_accounts import make_user

    from core.roles import STAFF

    rectification = issued[0]
    actions.record_delivery(rectification, manager, "receipt", signer_name="张伟")
    actions.correct_notice(
        rectification, manager, options=NoticeOptions(action="拆除并恢复原状"), reason="期限有误"
    )
    client.force_login(manager)
    url = f"/admin/notices/history/{rectification.pk}/"
    assert url in client.get(f"/admin/notices/{rectification.pk}/").content.decode()
    page = client.get(url).content.decode()
    for entry in ("签发文书", "登记送达：签收", "已被更正", "王立新"):
        assert entry in page, entry
    assert "张伟" not in page
    client.force_login(make_user("kefu-other-history", role_groups[STAFF]))
    assert client.get(url).status_code in (302, 403)


@pytest.mark.django_db
def test_the_open_cases_above_the_notices_say_how_many_there_are_beyond_those_listed(
    client, manager, make_case
):
    for number in range(21):
        make_case(location=f"{number + 1}栋架空层")
    client.force_login(manager)
    body = client.get("/admin/notices/").content.decode()
    assert "共 21 件，列出最近受理的 20 件" in body
