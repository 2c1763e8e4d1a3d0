"""The staff search page in a real browser: results as you type, keyboard selection, one-key copy."""

import pytest
from browser_login import sign_in
from staff_accounts import PASSWORD, make_user

from core.roles import STAFF


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_staff_finds_and_copies_an_answer_with_the_keyboard(page, live_server, corpus, role_groups):
    make_user("kefu_b", role_groups[STAFF])
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    sign_in(page, "kefu_b", PASSWORD, "/admin/quick-search/")

    page.keyboard.type("gkpw")
    first = page.locator(".qs-hit").first
    first.locator("h3 mark").wait_for()
    assert first.locator("h3").inner_text() == "有人从楼上高空抛物怎么办"
    assert "主题：邻里纠纷 / 高空抛物" in first.inner_text()
    assert "审批日期" in first.inner_text()

    page.fill("#qs-input", "电梯")
    page.locator(".qs-hit h3", has_text="电梯困人怎么办").wait_for()
    page.keyboard.press("Enter")
    page.locator("#qs-status", has_text="已复制").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "救援" in copied or "维保" in copied


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_hit_opened_from_the_search_page_counts_for_the_suggestions(
    page, live_server, demo_scripts, role_groups
):
    from search.models import OpenedHit

    make_user("kefu_c", role_groups[STAFF])
    sign_in(page, "kefu_c", PASSWORD, "/admin/quick-search/")

    page.keyboard.type("电梯")
    link = page.locator(".qs-hit h3 a", has_text="电梯困人怎么办")
    link.wait_for()
    link.click()
    page.wait_for_url("**/search/open/reply/*/")
    assert "电梯困人怎么办" in page.inner_text("body")
    for _ in range(50):
        if OpenedHit.objects.filter(kind="reply", count=1).exists():
            break
        page.wait_for_timeout(100)
    opened = OpenedHit.objects.get()
    assert page.url.rstrip("/").endswith(opened.object_id)
    assert opened.count == 1 and opened.topic
