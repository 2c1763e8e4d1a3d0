"""In the browser: staff records a web complaint, the manager sees it due within four
working hours, the handler resolves it, a visit closes it, the history shows it all."""

import datetime as dt

import pytest
from browser_login import screenshot, sign_in
from django.utils import timezone
from staff_accounts import PASSWORD

from cases.models import Case


def log_in(page, user):
    sign_in(page, user.username, PASSWORD)


def act(page, action, fields=None, selects=None, confirm=False):
    """Open the action's dialog from its button, fill it in and submit it."""
    page.locator(f"#toggle-{action}").click()
    panel = page.locator(f"#action-{action}")
    for name, value in (fields or {}).items():
        panel.locator(f"[name='{action}-{name}']").fill(value)
    for name, value in (selects or {}).items():
        panel.locator(f"select[name='{action}-{name}']").select_option(value)
    if confirm:
        panel.locator(f"[name='{action}-confirm']").check()
    panel.locator("button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_web_complaint_from_intake_to_closure(page, staff, manager):
    # Friday afternoon before the 调休 Saturday of 10 October 2026: four working
    # hours run 1 hour on Friday and 3 on Saturday morning.
    received = timezone.make_aware(dt.datetime(2026, 10, 9, 16, 30))

    log_in(page, staff)
    page.goto("/admin/cases/new/")
    page.select_option("select[name=kind]", "complaint")
    page.select_option("select[name=channel]", "web")
    page.fill("input[name=received_at]", received.strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=reporter_name]", "论坛网友“湖畔”")
    page.fill("input[name=location]", "业主论坛")
    page.select_option("select[name=topic]", label="维修")
    page.fill("textarea[name=description]", "发帖反映：3栋电梯按钮失灵两天了")
    page.click("footer button[type=submit]")
    page.wait_for_url("**/admin/cases/*/")
    case = Case.objects.get()
    assert case.number in page.content()

    log_in(page, manager)
    page.goto("/admin/cases/")
    row = page.locator("tr", has_text=case.number)
    assert "10-10 11:30" in row.inner_text()

    page.goto(f"/admin/cases/{case.pk}/")
    assert page.locator("#response-due").inner_text().startswith("2026-10-10 11:30（4个工作小时）")
    # Received weeks ago, so past its working day: the handler is named first.
    act(page, "handler", {}, {"handler": str(manager.pk)})
    act(page, "start", {"note": "已安排电梯维保单位上门"})
    act(page, "reply", {"result": "维保单位更换了按钮面板，已在论坛回帖告知"})
    assert page.locator("#case-status").inner_text() == "待回访"
    # Closing before a satisfied visit is refused in its dialog: said once, the reason kept.
    act(page, "close", {"reason": "按钮已修好"}, confirm=True)
    dialog = page.locator("#action-close")
    dialog.wait_for(state="visible")
    assert dialog.inner_text().count("须有满意的回访") == 1
    assert dialog.locator("[name='close-reason']").input_value() == "按钮已修好"
    page.set_viewport_size({"width": 1280, "height": 1100})
    screenshot(page, "case-close-refused")
    page.keyboard.press("Escape")
    act(page, "visit", {"quality": "及时"}, {"method": "web", "satisfaction": "5"})
    assert page.locator("#case-status").inner_text() == "已关闭"

    page.goto(f"/admin/cases/{case.pk}/changes/")
    history = page.locator("#case-history").inner_text()
    for expected in ("受理登记", "开始处理", "回复客户", "等待回访", "结案：回访满意", "回访记录"):
        assert expected in history
    assert "状态：待回访 → 已关闭" in history
