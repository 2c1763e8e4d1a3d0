"""The whole confidential reading flow in a real browser."""

import re

import pytest
from archive_helpers import VALID_ID
from browser_login import sign_in
from staff_accounts import PASSWORD, make_user
from wagtail.models import Page

from cms.archives.models import AccessRecord, ArchiveRoot, Building, Estate, HouseholdArchive
from core.roles import ARCHIVIST, MANAGER, STAFF, sync_roles


def log_in(page, username):
    sign_in(page, username, PASSWORD)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_archivist_files_staff_asks_manager_approves_staff_reads_register_shows(page):
    groups = sync_roles()
    root = ArchiveRoot.objects.first() or Page.get_first_root_node().add_child(
        instance=ArchiveRoot(title="业户档案库", slug="archives")
    )
    estate = root.add_child(instance=Estate(title="翠湖花园", slug="cuihu"))
    building = estate.add_child(instance=Building(title="3栋", slug="b3"))
    make_user("dangan_b", groups[ARCHIVIST])
    make_user("kefu_b", groups[STAFF], last_name="陈", first_name="佳怡")
    make_user("jingli_b", groups[MANAGER])

    # The archivist files a household with its owner card.
    log_in(page, "dangan_b")
    page.goto(f"/admin/pages/add/archives/householdarchive/{building.pk}/")
    page.fill("input[name=unit]", "2")
    page.fill("input[name=floor]", "12")
    page.fill("input[name=room]", "1201")
    page.fill("input[name=floor_area]", "89.50")
    page.click("#id_owners-ADD")
    page.fill("input[name='owners-0-name']", "张伟")
    page.fill("input[name='owners-0-id_number']", VALID_ID)
    page.fill("input[name='owners-0-phone']", "13812345678")
    # "Publish" sits in the footer's action dropdown, mounted but folded away.
    page.locator("button[name=action-publish]").evaluate("button => button.click()")
    page.wait_for_url(re.compile(r".*/admin/pages/\d+/"))
    household = HouseholdArchive.objects.get()
    assert household.live and household.owner_names == "张伟"
    assert household.address == "翠湖花园 3栋 2单元 1201室"

    # Service staff is refused and asks for access.
    log_in(page, "kefu_b")
    page.goto(f"/admin/archives/households/{household.pk}/")
    page.wait_for_url("**/admin/archives/access/request/**")
    assert "无权查阅" in page.content()
    page.fill("textarea[name=reason]", "业主来电投诉漏水，需要核对联系电话")
    page.fill("input[name=duration_days]", "1")
    page.click("#access-request-form button[type=submit]")
    page.wait_for_url("**/admin/archives/access/")
    assert "待审批" in page.locator("#grants").inner_text()

    # The manager approves.
    log_in(page, "jingli_b")
    page.goto("/admin/archives/access/")
    row = page.locator("#pending-grants tbody tr", has_text="核对联系电话")
    row.locator("button", has_text="批准").click()
    page.wait_for_url("**/admin/archives/access/")
    assert "已批准" in page.locator("#grants").inner_text()

    # Staff reads the archive, with the phone masked.
    log_in(page, "kefu_b")
    page.goto(f"/admin/archives/households/{household.pk}/")
    owners = page.locator("#owners").inner_text()
    assert "张伟" in owners and "138****5678" in owners and "13812345678" not in owners

    # The register shows that reading.
    log_in(page, "jingli_b")
    page.goto("/admin/archives/register/")
    register = page.locator("#register").inner_text()
    assert "陈佳怡" in register and "翠湖花园 3栋 2单元 1201室" in register and "查阅页" in register
    assert AccessRecord.objects.filter(user__username="kefu_b", via="read").count() == 1
