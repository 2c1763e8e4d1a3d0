"""The manager's notice journey in Chromium: on a complaint linked to the complainant's
household, issue a 整改通知书 to the offending household after confirming, download the
.docx and the signed PDF, and verify both copies. Screenshots go to var/screens/."""

import io

import pytest
from docx import Document
from notice_helpers import all_text, log_in, shot
from worker_process import Worker, worker_environment

from doc_templates.models import Notice, NoticePdf


@pytest.fixture
def signed_pdfs(settings, tmp_path):
    from doc_templates.pdf import write_self_signed_certificate

    settings.NOTICE_PDF_ENABLED = True
    settings.NOTICE_SIGNING_P12 = str(tmp_path / "signing.p12")
    settings.NOTICE_SIGNING_PASSPHRASE = "journey-2026"
    write_self_signed_certificate(settings.NOTICE_SIGNING_P12, "journey-2026", "翠湖文书签章")


@pytest.fixture
def pdf_worker(signed_pdfs, settings, tmp_path):
    """The background worker that makes the signed PDF after 签发."""
    worker = Worker(worker_environment(settings, "database"), tmp_path / "worker.log").start()
    yield worker
    worker.kill()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_manager_issues_to_the_offender_after_confirming_and_verifies_both_files(
    page, manager, noise_complaint, tree, pdf_worker, tmp_path
):
    complaint = noise_complaint
    log_in(page, manager)

    page.goto("/admin/notices/")
    page.click(f"a[data-case-number='{complaint.number}']")
    # No kind chosen yet: nothing but the kind is offered, and nothing can be issued.
    assert not page.is_visible("button[name=issue]")
    assert not page.is_visible("select[name=addressee_household]")
    page.select_option("select[name=kind]", "rectification")
    assert page.is_visible("select[name=addressee_household]")
    assert not page.is_visible("input[name=items]")
    assert page.input_value("select[name=source]") == "complaint"
    page.select_option("select[name=addressee_household]", str(tree["household"].pk))
    page.fill("input[name=basis]", "《翠湖花园管理规约》第十二条")
    page.fill("textarea[name=action]", "拆除露台加建的彩钢板房，恢复原状")
    page.fill("input[name=deadline_days]", "5")
    shot(page, "1-case-form")

    # The complaint's text is the caller's own account: the notice states the verified facts.
    page.click("button[name=issue]")
    assert "请写明核实后的违规事实" in page.inner_text("main")
    page.select_option("select[name=kind]", "rectification")
    page.select_option("select[name=addressee_household]", str(tree["household"].pk))
    page.fill("textarea[name=facts]", "在露台加建彩钢板房约12平方米")
    page.click("button[name=issue]")
    assert page.inner_text("#confirm-kind") == "整改通知书"
    assert page.inner_text("#confirm-addressee") == "张伟（翠湖花园 3栋 2单元 1201室）"
    assert page.inner_text("#confirm-case") == complaint.number
    assert "整改" in page.inner_text("#confirm-series") and "整改第1号" in page.inner_text(
        "#confirm-series"
    )
    assert not Notice.objects.exists()
    shot(page, "2-confirm")

    page.click("#confirm-issue")
    page.wait_for_url("**/admin/notices/*/")
    notice = Notice.objects.get()
    assert notice.household == tree["household"]
    assert f"已签发 整改通知书，文号 {notice.number}" in page.content()
    shot(page, "3-issued")

    with page.expect_download() as issued:
        page.click("#download-notice")
    docx_path = tmp_path / issued.value.suggested_filename
    issued.value.save_as(docx_path)
    assert docx_path.name == f"整改通知书-{notice.number}.docx"
    text = all_text(Document(io.BytesIO(docx_path.read_bytes())))
    assert "张伟（翠湖花园 3栋 2单元 1201室）：" in text
    assert "接业户投诉" in text and "李娜" not in text

    # The PDF is made by the worker: the page says so, then offers it without a reload.
    assert "PDF 生成中…" in page.inner_text("#notice-pdf") or page.is_visible(
        "#download-notice-pdf"
    )
    page.wait_for_selector("#download-notice-pdf", timeout=180_000)
    with page.expect_download() as signed:
        page.click("#download-notice-pdf")
    pdf_path = tmp_path / signed.value.suggested_filename
    signed.value.save_as(pdf_path)
    assert pdf_path.read_bytes() == NoticePdf.objects.get(notice=notice).read_bytes()

    for copy in (docx_path, pdf_path):
        page.goto("/admin/notices/verify/")
        page.set_input_files("input[name=file]", str(copy))
        page.click("#verify-submit")
        result = page.inner_text("#verify-result")
        assert f"一致：该{'PDF' if copy.suffix == '.pdf' else '文件'}即已签发的整改通知书" in result
        assert notice.number in result
    shot(page, "4-verified")
