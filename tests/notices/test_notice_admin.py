"""The notices admin over HTTP: preview, issue, download, verify, deliver, upload, batch."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from notice_helpers import all_text
from PIL import Image

from doc_templates.build_templates import bundled_template_path
from doc_templates.models import Notice, NoticeBatch, TemplateVersion

ISSUE = {
    "kind": "rectification",
    "facts": "",
    "basis": "《管理规约》第十二条",
    "action": "拆除露台彩钢板房",
    "deadline_days": "5",
    "working_days": "1",
    "consequence": "",
    "topic": "",
    "items": "",
}


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.mark.django_db
class TestCasePage:
    def test_preview_downloads_a_draft_and_registers_nothing(self, manager_client, violation_case):
        response = manager_client.post(
            f"/admin/notices/case/{violation_case.pk}/", {**ISSUE, "preview": "1"}
        )
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]
        document = Document(io.BytesIO(response.content))
        assert "草稿" in document.sections[0].header._element.xml
        assert "拆除露台彩钢板房" in all_text(document)
        assert not Notice.objects.exists()

    def test_issue_then_download_the_frozen_file(self, manager_client, violation_case):
        response = manager_client.post(
            f"/admin/notices/case/{violation_case.pk}/", {**ISSUE, "issue": "1", "confirm": "1"}
        )
        notice = Notice.objects.get()
        assert response.status_code == 302 and response.url == f"/admin/notices/{notice.pk}/"
        page = manager_client.get(response.url).content.decode()
        assert notice.number in page and notice.sha256 in page
        download = manager_client.get(f"/admin/notices/{notice.pk}/download/")
        assert b"".join(download.streaming_content) == notice.read_bytes()

    def test_a_rectification_without_required_action_is_refused_in_chinese(
        self, manager_client, violation_case
    ):
        response = manager_client.post(
            f"/admin/notices/case/{violation_case.pk}/", {**ISSUE, "action": "", "issue": "1"}
        )
        assert "整改通知书须写明整改要求。" in response.content.decode()
        assert 'value="《管理规约》第十二条"' in response.content.decode()
        assert not Notice.objects.exists()

    def test_staff_may_preview_but_not_issue(self, staff_client, violation_case):
        page = staff_client.get(f"/admin/notices/case/{violation_case.pk}/").content.decode()
        assert "预览（草稿）" in page and 'name="issue"' not in page
        response = staff_client.post(
            f"/admin/notices/case/{violation_case.pk}/", {**ISSUE, "issue": "1", "confirm": "1"}
        )
        assert "只有具备签发权限" in response.content.decode()
        assert not Notice.objects.exists()


@pytest.mark.django_db
def test_verification_page_names_the_matching_notice(manager_client, violation_case):
    manager_client.post(
        f"/admin/notices/case/{violation_case.pk}/", {**ISSUE, "issue": "1", "confirm": "1"}
    )
    notice = Notice.objects.get()
    copy = SimpleUploadedFile("copy.docx", notice.read_bytes())
    page = manager_client.post("/admin/notices/verify/", {"file": copy}).content.decode()
    assert f"一致：该文件即已签发的整改通知书，文号 {notice.number}" in page
    fake = SimpleUploadedFile("fake.docx", bundled_template_path("rectification").read_bytes())
    page = manager_client.post("/admin/notices/verify/", {"file": fake}).content.decode()
    assert "未找到匹配" in page


def jpeg_photo():
    """Delivery photos are checked by content, so the test sends a real picture."""
    buffer = io.BytesIO()
    Image.new("RGB", (16, 12), (90, 120, 60)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.mark.django_db
def test_a_refusal_is_recorded_with_photos_and_shown_on_the_case(manager_client, violation_case):
    manager_client.post(
        f"/admin/notices/case/{violation_case.pk}/", {**ISSUE, "issue": "1", "confirm": "1"}
    )
    notice = Notice.objects.get()
    photos = [
        SimpleUploadedFile("a.jpg", jpeg_photo(), content_type="image/jpeg"),
        SimpleUploadedFile("b.jpg", jpeg_photo(), content_type="image/jpeg"),
    ]
    response = manager_client.post(
        f"/admin/notices/{notice.pk}/",
        {
            "delivery-method": "refusal",
            "delivery-delivered_at": "2026-11-25T10:00",
            "delivery-witnesses": "赵敏",
            "delivery-witness_organisation": "业委会",
            "delivery-photos": photos,
        },
    )
    assert response.status_code == 302
    delivery = notice.deliveries.get()
    assert delivery.photos.count() == 2
    assert violation_case.timeline.last().action == "整改通知书拒签"


@pytest.mark.django_db
def test_template_upload_lists_unknown_placeholders(manager_client):
    document = Document(str(bundled_template_path("tri_party")))
    document.add_paragraph("{{ 手机号 }}")
    buffer = io.BytesIO()
    document.save(buffer)
    response = manager_client.post(
        "/admin/notices/templates/upload/",
        {"kind": "tri_party", "file": SimpleUploadedFile("t.docx", buffer.getvalue())},
    )
    assert "模板中有未知的占位符：{{ 手机号 }}" in response.content.decode()
    assert not TemplateVersion.objects.filter(version=2).exists()


@pytest.mark.django_db
def test_batch_page_produces_a_zip(manager_client, tree, batches_run_now):
    with batches_run_now():
        response = manager_client.post(
            "/admin/notices/batch/", {"scope": str(tree["building"].pk), "topic": "高空抛物"}
        )
    batch = NoticeBatch.objects.get()
    assert response.url == f"/admin/notices/batch/{batch.pk}/"
    status = manager_client.get(f"/admin/notices/batch/{batch.pk}/status/").json()
    assert status == {
        "status": "done",
        "status_label": "已完成",
        "done": 2,
        "total": 2,
        "percent": 100,
        "error": "",
    }
    download = manager_client.get(f"/admin/notices/batch/{batch.pk}/download/")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert len(archive.namelist()) == 2


@pytest.mark.django_db
def test_staff_cannot_open_batches_or_upload(staff_client, tree):
    # Wagtail turns a refused admin view into a redirect to the dashboard with a message.
    for url in (
        "/admin/notices/batch/",
        "/admin/notices/batches/",
        "/admin/notices/templates/",
        "/admin/notices/templates/upload/",
    ):
        response = staff_client.get(url)
        assert (response.status_code, response.url) == (302, "/admin/")
    staff_client.post("/admin/notices/batch/", {"scope": str(tree["building"].pk), "topic": "噪音"})
    assert not NoticeBatch.objects.exists()


@pytest.mark.django_db
def test_every_notices_page_opens_for_a_manager_in_chinese(
    manager_client, violation_case, tree, batches_run_now
):
    manager_client.post(
        f"/admin/notices/case/{violation_case.pk}/", {**ISSUE, "issue": "1", "confirm": "1"}
    )
    with batches_run_now():
        manager_client.post(
            "/admin/notices/batch/", {"scope": str(tree["estate"].pk), "topic": "噪音"}
        )
    notice, batch = Notice.objects.filter(case=violation_case).get(), NoticeBatch.objects.get()
    pages = {
        "/admin/notices/": [violation_case.number, notice.number],
        f"/admin/notices/{notice.pk}/correct/": ["更正原因"],
        "/admin/notices/verify/": ["文书副本（.docx 或 .pdf）"],
        "/admin/notices/templates/": ["整改通知书", "第1版", "上传新版本"],
        "/admin/notices/templates/upload/": ["{{ 名称 }}"],
        "/admin/notices/batch/": ["翠湖花园 3栋", "高空抛物"],
        "/admin/notices/batches/": ["翠湖花园", "噪音", "3/3", "已完成", "新建批量任务"],
        f"/admin/notices/batch/{batch.pk}/": ["已完成：3/3（100%）", "下载压缩包"],
    }
    for url, expected in pages.items():
        page = manager_client.get(url).content.decode()
        for text in expected:
            assert text in page, (url, text)
    # The sidebar is rendered from JSON props, where the labels are \u-escaped.
    dashboard = manager_client.get("/admin/").content.decode()
    assert "/admin/notices/batches/" in dashboard and "/admin/notices/verify/" in dashboard
