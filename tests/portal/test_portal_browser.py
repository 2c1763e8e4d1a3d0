"""The owner on a phone (390×844): open the SMS link, read the progress, rate the handling."""

from pathlib import Path

import pytest

from cases.models import Case, FollowUpVisit
from portal.links import owner_link

SCREENS = Path(__file__).resolve().parents[2] / "var" / "screens"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_owner_follows_and_rates_the_case_on_a_phone(browser, live_server, replied):
    SCREENS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    path = "/" + owner_link(replied).url.split("/", 3)[3]
    page.goto(path)
    assert page.locator("#case-number").inner_text() == replied.number
    assert "已回复处理结果" in page.locator("#steps").inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page scrolls sideways on a phone"
    page.screenshot(path=SCREENS / "portal-case-replied.png", full_page=True)

    page.get_by_label("4 满意").check()
    page.get_by_label("意见或建议（可不填）").fill("师傅很耐心")
    page.get_by_role("button", name="提交评价").click()
    page.wait_for_selector("#thanks")
    assert page.locator("#case-status").inner_text() == "已关闭"
    page.screenshot(path=SCREENS / "portal-case-rated.png", full_page=True)
    context.close()

    visit = FollowUpVisit.objects.get(case=replied)
    assert (visit.method, visit.satisfaction) == ("web", 4)
    assert Case.objects.get(pk=replied.pk).status == Case.Status.CLOSED
