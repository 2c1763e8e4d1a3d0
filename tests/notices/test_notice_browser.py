"""A manager previews, issues and downloads a 整改通知书 from a violation case in the
browser, then verifies the downloaded copy."""

import io

import pytest
from docx import Document
from notice_helpers import all_text, log_in, shot
from visible_text import english_lines

from doc_templates.models import Notice, NoticeBatch


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_manager_previews_issues_downloads_and_verifies_a_rectification_notice(
    page, manager, violation_case, tmp_path
):
    log_in(page, manager)

    page.goto("/admin/notices/")
    page.click(f"a[data-case-number='{violation_case.number}']")
    page.select_option("select[name=kind]", "rectification")
    page.fill("input[name=basis]", "《翠湖花园管理规约》第十二条")
    page.fill("textarea[name=action]", "拆除露台加建的彩钢板房")
    page.fill("input[name=deadline_days]", "5")
    page.check("input[name=joint_with_owners_committee]")

    with page.expect_download() as preview:
        page.click("button[name=preview]")
    draft = Document(preview.value.path())
    assert "草稿" in draft.sections[0].header._element.xml
    assert "拆除露台加建的彩钢板房" in all_text(draft)
    assert not Notice.objects.exists()

    page.click("button[name=issue]")
    page.click("#confirm-issue")
    page.wait_for_url("**/admin/notices/*/")
    notice = Notice.objects.get()
    assert page.inner_text("#notice-number") == notice.number
    assert f"已签发 整改通知书，文号 {notice.number}" in page.content()

    with page.expect_download() as issued:
        page.click("#download-notice")
    saved = tmp_path / issued.value.suggested_filename
    issued.value.save_as(saved)
    assert saved.read_bytes() == notice.read_bytes()
    text = all_text(Document(io.BytesIO(saved.read_bytes())))
    assert notice.number in text and "{{" not in text

    page.goto("/admin/notices/verify/")
    page.set_input_files("input[name=file]", str(saved))
    page.click("#verify-submit")
    result = page.inner_text("#verify-result")
    assert f"一致：该文件即已签发的整改通知书，文号 {notice.number}" in result
    assert "王立新" in result


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_template_batch_and_history_lists_read_in_chinese_and_lead_to_their_forms(
    page, manager, tree
):
    from doc_templates import actions

    batch = actions.run_batch(actions.start_batch(tree["building"], "高空抛物", manager))
    log_in(page, manager)
    screens = {
        "/admin/notices/": "list",
        "/admin/notices/templates/": "templates",
        "/admin/notices/batches/": "batches",
        f"/admin/notices/history/{Notice.objects.first().pk}/": "history",
    }
    for url, name in screens.items():
        page.goto(url)
        english = english_lines(page.inner_text("body"))
        assert not english, f"{url} shows English: {english[:5]}"
        shot(page, name)

    page.goto("/admin/notices/batches/")
    page.click("text=新建批量任务")
    page.wait_for_url("**/admin/notices/batch/")
    page.goto("/admin/notices/batches/")
    page.click(f"a[href='/admin/notices/batch/{batch.pk}/']")
    assert "已完成" in page.inner_text("main")
    page.goto("/admin/notices/templates/")
    page.click("text=上传新版本")
    page.wait_for_url("**/admin/notices/templates/upload/")
    assert NoticeBatch.objects.get().status == NoticeBatch.Status.DONE
