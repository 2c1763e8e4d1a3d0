"""A day at the service centre, one journey per role, in headless Chromium on the demo data.

Each step asserts what the user sees (Chinese text, the counts on the first screen) and saves a
screenshot under var/screens/ for people to look at."""

from io import StringIO

import pytest
from browser_login import assert_chinese, screenshot
from django.contrib.auth import get_user_model
from django.core.management import call_command
from worker_process import Worker, worker_environment

from cases.models import Case

PASSWORD = "Tian-2026-journey"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def centre(elasticsearch_node):
    """The demo centre, with passwords the journeys can type."""
    call_command("load_demo_data", stdout=StringIO())
    users = {}
    for user in get_user_model().objects.filter(
        username__in=["dangan", "kefu", "zhuguan", "jingli"]
    ):
        user.set_password(PASSWORD)
        user.save()
        users[user.username] = user
    return users


def log_in(page, user):
    # Tall enough for a first screen's lists to show whole in the screenshots.
    page.set_viewport_size({"width": 1280, "height": 1200})
    page.context.clear_cookies()
    page.goto("/admin/login/")
    assert "登录" in page.inner_text("body")
    assert_chinese(page)
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")
    assert "今日工作" in page.inner_text("#work-panel")
    # The sidebar's account menu names the person by 姓名, family name first.
    assert f"{user.last_name}{user.first_name}" in page.inner_text("#wagtail-sidebar")
    assert_chinese(page)


def count_on_dashboard(page, key):
    return int(page.locator(f"#count-{key} strong").inner_text())


def act(page, action, fields=None, selects=None, confirm=False):
    page.locator(f"#toggle-{action}").click()
    dialog = page.locator(f"#action-{action}")
    for name, value in (fields or {}).items():
        dialog.locator(f"[name='{action}-{name}']").fill(value)
    for name, label in (selects or {}).items():
        dialog.locator(f"select[name='{action}-{name}']").select_option(label=label)
    if confirm:
        dialog.locator(f"[name='{action}-confirm']").check()
    dialog.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_archivist_files_a_household_edits_it_and_records_a_contact_change(page, centre, tmp_path):
    from cms.archives.models import Building, HouseholdArchive

    log_in(page, centre["dangan"])
    missing_before = count_on_dashboard(page, "missing_papers")
    screenshot(page, "dangan-1-dashboard")

    # The archive tree opens like a cabinet: estate, then building, then its rooms.
    building = Building.objects.order_by("path").first()
    estate = building.get_parent()
    page.goto(f"/admin/pages/{estate.get_parent().pk}/")
    page.get_by_role("link", name=estate.title, exact=True).first.click()
    page.wait_for_url(f"**/admin/pages/{estate.pk}/")
    page.get_by_role("link", name=building.title, exact=True).first.click()
    page.wait_for_url(f"**/admin/pages/{building.pk}/")
    first_room = HouseholdArchive.objects.child_of(building).in_catalogue_order().first()
    assert first_room.title in page.inner_text("main")
    assert_chinese(page)
    screenshot(page, "dangan-1b-archive-tree")
    page.goto(f"/admin/pages/{estate.pk}/edit/")
    editor = page.inner_text("main")
    assert "SEO" not in editor and "公开" not in editor and "推广" not in editor

    paper = tmp_path / "交付通知书.pdf"
    paper.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.goto(f"/admin/pages/add/archives/householdarchive/{building.pk}/")
    assert_chinese(page)
    page.fill("[name=unit]", "3")
    page.fill("[name=floor]", "8")
    page.fill("[name=room]", "1808")
    page.click("#id_owners-ADD")
    page.fill("[name='owners-0-name']", "郑海燕")
    page.fill("[name='owners-0-phone']", "13712345678")
    page.locator("button[name=action-publish]").evaluate("button => button.click()")
    page.wait_for_url(f"**/admin/pages/{building.pk}/")
    household = HouseholdArchive.objects.get(room="1808", unit="3", path__startswith=building.path)
    assert "已创建并发布" in page.inner_text("body")
    assert [owner.name for owner in household.owners.all()] == ["郑海燕"]
    screenshot(page, "dangan-2-household-filed")

    # The handover paper arrives later: the archivist edits the household again to add it.
    page.goto(f"/admin/pages/{household.pk}/edit/")
    assert_chinese(page)
    page.fill("[name='owners-0-phone']", "13712345679")
    page.click("#id_papers-ADD")
    page.select_option("[name='papers-0-kind']", index=1)
    page.set_input_files("[name='papers-0-file']", str(paper))
    page.locator("button[name=action-publish]").evaluate("button => button.click()")
    page.wait_for_url(f"**/admin/pages/{building.pk}/")
    assert household.owners.get().phone == "13712345679"
    assert household.papers.count() == 1
    page.goto(f"/admin/pages/{household.pk}/edit/")
    assert_chinese(page)
    assert "交付通知书" in page.inner_text("main")
    screenshot(page, "dangan-3-household-edited")

    page.goto("/admin/")
    assert count_on_dashboard(page, "missing_papers") == missing_before + 1

    page.goto(f"/admin/archives/households/{household.pk}/contact/")
    assert "联系方式变更" in page.inner_text("body")
    owner = household.owners.filter(is_current=True).first()
    page.select_option("select[name=owner]", str(owner.pk))
    page.fill("input[name=phone]", "13922223333")
    page.fill("[name=reason]", "业主来电告知更换手机号，已核对身份")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert_chinese(page)
    screenshot(page, "dangan-4-contact-changed")
    owner.refresh_from_db()
    assert owner.phone == "13922223333"


def choose_household(page, household):
    """Wagtail's page chooser on the case form: search the caller's room and pick that household."""
    page.locator("#id_household-chooser .unchosen [data-chooser-action-choose]").click()
    modal = page.locator(".modal-content")
    modal.locator("input[name=q]").fill(household.room)
    # Rooms are numbered alike in every building; the row's own page id tells them apart.
    modal.locator(f"a.choose-page[data-id='{household.pk}']").click()
    page.locator("#id_household-chooser").get_by_text(household.title).wait_for()


def test_staff_takes_a_call_finds_the_wording_registers_and_hands_on(page, centre):
    from cms.archives.models import HouseholdArchive, attach_parents

    (caller_home,) = attach_parents([HouseholdArchive.objects.order_by("path").last()])
    log_in(page, centre["kefu"])
    mine_before = count_on_dashboard(page, "mine")
    screenshot(page, "kefu-1-dashboard")

    page.goto("/admin/quick-search/")
    page.fill("input[type=search]", "高空抛物")
    page.wait_for_selector("text=高空抛物", timeout=15_000)
    assert_chinese(page)
    screenshot(page, "kefu-2-wording")

    page.goto("/admin/cases/new/")
    page.select_option("select[name=kind]", "complaint")
    page.select_option("select[name=channel]", "phone")
    choose_household(page, caller_home)
    page.fill("input[name=reporter_name]", "赵女士")
    page.fill("input[name=reporter_phone]", "1380013800")
    page.select_option("select[name=topic]", label="高空抛物")
    page.fill("textarea[name=description]", "来电反映楼上有人往下扔烟头，落在自家阳台")
    page.click("footer button[type=submit]")
    page.get_by_text("联系电话格式不正确").wait_for()
    assert page.input_value("textarea[name=description]").startswith("来电反映楼上")
    page.fill("input[name=reporter_phone]", "13800138000")
    page.click("footer button[type=submit]")
    page.wait_for_url("**/admin/cases/*/")
    case = Case.objects.get(reporter_name="赵女士")
    assert case.household == caller_home
    assert f"已受理：{case.number}" in page.inner_text("body")
    # The case shows the caller's address, not the archive behind it.
    assert caller_home.address in page.inner_text("main")
    assert "参考回复口径" in page.inner_text("body")
    screenshot(page, "kefu-3-registered")

    act(page, "handler", {"note": "请主管安排巡查"}, {"handler": "周建国"})
    assert "指定处理人：已完成" in page.inner_text("body")
    assert "周建国" in page.inner_text("body")
    screenshot(page, "kefu-4-handed-on")

    page.goto("/admin/")
    assert count_on_dashboard(page, "mine") == mine_before


def test_supervisor_signs_a_violation_decision(page, centre):
    log_in(page, centre["zhuguan"])
    waiting = count_on_dashboard(page, "to_sign")
    assert waiting >= 1
    screenshot(page, "zhuguan-1-dashboard")

    page.click("#count-to_sign a")
    page.wait_for_url("**/admin/cases/?work=to_sign")
    assert_chinese(page)
    page.locator("table.listing tbody tr a").first.click()
    page.wait_for_url("**/admin/cases/*/")
    act(page, "sign")
    dialog = page.locator("#action-sign")
    dialog.get_by_text("请勾选确认后再签批处理决定。").wait_for()
    dialog.locator("[name='sign-confirm']").check()
    dialog.locator("button[type=submit]").click()
    page.wait_for_load_state()
    body = page.inner_text("body")
    assert "签批处理决定：已完成" in body and "周建国" in body and "签批生效" in body
    screenshot(page, "zhuguan-2-signed")

    page.goto("/admin/")
    assert count_on_dashboard(page, "to_sign") == waiting - 1


def test_manager_approves_a_request_and_a_script_then_issues_a_rectification_notice(
    page, centre, tmp_path, settings
):
    from cms.archives.actions import request_access
    from cms.archives.models import HouseholdArchive
    from cms.replies.actions import save_draft, submit_for_approval
    from cms.replies.models import ReplyScript

    household = HouseholdArchive.objects.first()
    request_access(centre["kefu"], "业主来电投诉，需核对预留电话回访", 3, household=household)
    script = ReplyScript.objects.order_by("pk").first()
    script.spoken = "您好，我们马上安排人员查看，请您放心。"
    save_draft(script, centre["kefu"])
    submit_for_approval(script, centre["kefu"])

    log_in(page, centre["jingli"])
    assert count_on_dashboard(page, "access_requests") == 1
    assert count_on_dashboard(page, "scripts_to_approve") == 1
    assert count_on_dashboard(page, "major") >= 1
    screenshot(page, "jingli-1-dashboard")

    page.click("#count-access_requests a")
    page.wait_for_url("**/admin/archives/access/")
    assert "业主来电投诉" in page.inner_text("body")
    page.locator("form[action$='/approve/'] button[type=submit]").first.click()
    page.wait_for_load_state()
    assert_chinese(page)
    screenshot(page, "jingli-2-access-approved")

    page.goto("/admin/")
    assert count_on_dashboard(page, "access_requests") == 0
    page.locator("#items-scripts_to_approve a").first.click()
    page.wait_for_load_state()
    assert_chinese(page)
    screenshot(page, "jingli-3-script-to-approve")
    page.locator("footer [data-w-dropdown-target='toggle']").first.click()
    page.locator(
        "button[data-workflow-action-name=approve]:not([data-workflow-action-modal-url])"
    ).click()
    page.wait_for_load_state()
    script.refresh_from_db()
    assert script.live and script.spoken == "您好，我们马上安排人员查看，请您放心。"
    page.goto("/admin/")
    assert count_on_dashboard(page, "scripts_to_approve") == 0

    issue_and_prove_a_rectification_notice(page, centre, tmp_path, settings)


def issue_and_prove_a_rectification_notice(page, centre, tmp_path, settings):
    settings.NOTICE_SIGNING_P12 = str(tmp_path / "notices.p12")
    call_command("make_signing_certificate", stdout=StringIO())
    # The background worker beside the server, as the run command starts it: it makes
    # the signed PDF after 签发.
    worker = Worker(worker_environment(settings, "database"), tmp_path / "worker.log").start()
    try:
        issue_and_prove_the_notice(page, centre, tmp_path)
    finally:
        worker.kill()


def issue_and_prove_the_notice(page, centre, tmp_path):
    from docx import Document

    from cms.archives.models import HouseholdArchive, attach_parents
    from doc_templates.models import Notice

    # The violation found on patrol is put down to the household on the top floor.
    violation = Case.objects.filter(kind="violation", measure="rectify").first()
    offender = HouseholdArchive.objects.last()
    Case.objects.filter(pk=violation.pk).update(household=offender)
    page.goto(f"/admin/notices/case/{violation.pk}/")
    assert_chinese(page)
    page.select_option("select[name=kind]", "rectification")
    page.select_option("select[name=addressee_household]", str(offender.pk))
    page.fill("input[name=basis]", "《管理规约》第十二条")
    page.fill("textarea[name=action]", "拆除露台加建的阳光房")
    page.fill("input[name=deadline_days]", "5")
    page.click("button[name=issue]")
    # 签发 first shows what is about to be issued; nothing is numbered yet.
    assert page.inner_text("#confirm-kind") == "整改通知书"
    (offender,) = attach_parents([offender])
    assert offender.address in page.inner_text("#confirm-addressee")
    assert page.inner_text("#confirm-case") == violation.number
    assert not Notice.objects.filter(case=violation).exists()
    page.click("#confirm-issue")
    page.wait_for_url("**/admin/notices/*/")
    notice = Notice.objects.filter(case=violation).latest("pk")
    assert page.inner_text("#notice-number") == notice.number
    screenshot(page, "jingli-4-notice-issued")

    with page.expect_download() as issued:
        page.click("#download-notice")
    saved = tmp_path / issued.value.suggested_filename
    issued.value.save_as(saved)
    assert saved.read_bytes() == notice.read_bytes()
    assert notice.number in "\n".join(p.text for p in Document(str(saved)).paragraphs)
    # The worker converts and signs the PDF; the page offers it when it is there.
    page.wait_for_selector("#download-notice-pdf", timeout=180_000)
    with page.expect_download() as signed:
        page.click("#download-notice-pdf")
    pdf = tmp_path / signed.value.suggested_filename
    signed.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")

    page.goto("/admin/notices/verify/")
    page.set_input_files("input[name=file]", str(saved))
    page.click("#verify-submit")
    result = page.inner_text("#verify-result")
    assert f"文号 {notice.number}" in result and "一致" in result
    screenshot(page, "jingli-5-copy-verified")
