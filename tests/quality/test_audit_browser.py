"""In the browser: a manager runs an audit of an estate, records three findings (one with
a photo), signs, opens a rectification case from one finding and sees score and trend."""

from datetime import timedelta
from pathlib import Path

import pytest
from browser_login import sign_in
from django.conf import settings
from django.utils import timezone
from PIL import Image
from staff_accounts import PASSWORD

from cases.models import Case
from quality import actions
from quality.demo import load_checklist
from quality.models import Audit

SCREENS = Path(settings.BASE_DIR) / "var" / "screens"


def log_in(page, user):
    sign_in(page, user.username, PASSWORD)


def shot(page, name):
    SCREENS.mkdir(parents=True, exist_ok=True)
    # The admin scrolls inside its own container, so a tall window shows the whole page.
    page.set_viewport_size({"width": 1280, "height": 2600})
    page.screenshot(path=str(SCREENS / f"quality-{name}.png"), full_page=True)


def record(page, item_label, description, location="", persons="", count="1", photo=None):
    form = page.locator("#finding-form")
    form.locator("select[name=item]").select_option(label=item_label)
    form.locator("textarea[name=description]").fill(description)
    form.locator("input[name=location]").fill(location)
    form.locator("input[name=persons]").fill(persons)
    form.locator("input[name=count]").fill(count)
    if photo:
        form.locator("input[name=photos]").set_input_files(str(photo))
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_manager_runs_an_audit_and_opens_a_rectification(page, manager, estate, tmp_path):
    checklist = actions.publish_checklist(load_checklist(), manager)
    earlier = actions.start_audit(
        estate, checklist, [manager], manager,
        audit_date=timezone.localdate() - timedelta(days=90),
    )
    items = {i.title: i for i in checklist.items.all()}
    actions.record_finding(earlier, items["档案齐全"], manager, "三户缺交付验收记录", count=3)
    photo = tmp_path / "前台现场.png"
    Image.new("RGB", (320, 200), (180, 40, 40)).save(photo)

    log_in(page, manager)
    page.goto("/admin/quality/audits/new/")
    page.select_option("select[name=estate]", label=estate.title)
    page.fill("input[name=audit_date]", timezone.localdate().strftime("%Y-%m-%d"))
    page.select_option("select[name=checklist]", label=str(checklist))
    page.locator(f"input[name=auditors][value='{manager.pk}']").check()
    page.select_option("select[name=project_manager]", label="王立新")
    page.click("footer button[type=submit]")
    page.wait_for_url("**/admin/quality/audits/*/")
    audit = Audit.objects.exclude(pk=earlier.pk).get()
    assert page.locator("#audit-total").inner_text() == "54.00"
    assert "督导检查" in page.locator("h1").first.inner_text()

    label = "行为规范｜电话礼仪（一人一个问题点扣0.3分）"
    record(page, label, "来电响铃五声后接听，未复述来电内容", "客服前台",
           persons="前台小刘、前台小张", photo=photo)
    record(page, "装修服务｜装修巡查（一个问题点扣0.5分）", "两户装修巡查记录缺失", "3栋", count="2")
    record(page, "房屋交付｜资料录入时效（一个问题点扣0.5分）", "一户交付十天后才录入系统", "档案室")
    assert page.locator("#audit-findings tr.finding").count() == 3
    # 0.3 × 2 people + 0.5 × 2 + 0.5 = 2.1 off 54
    assert page.locator("#audit-total").inner_text() == "51.90"
    assert page.locator("#audit-findings img[alt=现场照片]").count() == 1
    shot(page, "audit-findings")

    # a wrong upload is refused in Chinese and loses nothing typed before
    fake = tmp_path / "not-a-photo.jpg"
    fake.write_bytes(b"plain text, not an image")
    record(page, label, "未起身接待", persons="前台小刘", photo=fake)
    assert "不是有效的图片" in page.content()
    assert page.locator("#audit-findings tr.finding").count() == 3

    page.click("#sign-audit")
    page.wait_for_load_state()
    assert page.locator("#audit-status").inner_text() == "检查组已签字"
    assert page.locator("#finding-form").count() == 0

    row = page.locator("#audit-findings tr.finding", has_text="两户装修巡查记录缺失")
    row.locator("button", has_text="开具整改").click()
    page.wait_for_load_state()
    case = Case.objects.get(kind=Case.Kind.RECTIFICATION)
    row = page.locator("#audit-findings tr.finding", has_text="两户装修巡查记录缺失")
    assert case.number in row.inner_text() and "整改中" in row.inner_text()
    assert page.locator("#audit-trend svg polyline").count() == 1
    assert page.locator("#audit-trend svg circle").count() == 2
    shot(page, "audit-signed")
    page.locator("#audit-trend").screenshot(path=str(SCREENS / "quality-audit-trend.png"))

    row.locator("a", has_text=case.number).click()
    page.wait_for_url(f"**/admin/cases/{case.pk}/")
    assert "督导整改" in page.content()
    page.click("#case-audit-link")
    page.wait_for_url(f"**/admin/quality/audits/{audit.pk}/")

    page.goto(f"/admin/quality/reports/audits/?estate={estate.pk}")
    assert case.number in page.locator("#open-rectifications").inner_text()
    assert "装修巡查" in page.locator("#frequent-deductions").inner_text()
    assert page.locator("#trend-total svg circle").count() == 2
    shot(page, "audit-report")
