"""Each role's first screen on the demo centre: the person is named by 姓名, every count opens
the list it counts, and the archivist's missing-papers count follows the papers on file."""

import json
import re
from io import StringIO

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management import call_command

from cms.archives.models import (
    REQUIRED_HANDOVER_PAPERS,
    ArchivePaper,
    HouseholdArchive,
    Tenant,
)
from cms.archives.reports import households_missing_papers, lacking_handover_papers
from cms.demo import DEMO_USERS

pytestmark = pytest.mark.django_db

SIDEBAR_PROPS = re.compile(r'<script[^>]*id="wagtail-sidebar-props"[^>]*>(.*?)</script>', re.DOTALL)
EMPTY_ROW_TEXTS = {"无", "没有待审批的申请。", "没有待核对的号码。", "暂无申请。"}


@pytest.fixture
def demo_centre(elasticsearch_node):
    call_command("load_demo_data", stdout=StringIO())
    return {user.username: user for user in get_user_model().objects.filter(is_staff=True)}


def account_menu_name(html):
    props = json.loads(SIDEBAR_PROPS.search(html).group(1))
    modules = props["modules"]
    account = next(
        module["_args"][2]
        for module in modules
        if isinstance(module, dict) and module.get("_type") == "wagtail.sidebar.MainMenuModule"
    )
    return account["name"]


@pytest.mark.parametrize("username, family, given", [(u, f, g) for u, _, f, g in DEMO_USERS])
def test_the_account_menu_names_the_person_family_name_first(
    client, demo_centre, username, family, given
):
    client.force_login(demo_centre[username])
    assert account_menu_name(client.get("/admin/").content.decode()) == f"{family}{given}"


def dashboard_counts(html):
    """(key, count, url) of every count on the first screen."""
    soup = BeautifulSoup(html, "html.parser")
    return [
        (item["id"].removeprefix("count-"), int(item.strong.text), item.a["href"])
        for item in soup.select("#work-panel li.work-count")
    ]


def list_length(html, url):
    """The rows of the list a count opens: a section of the archive reports (its anchor), or
    the page's one listing table."""
    soup = BeautifulSoup(html, "html.parser")
    _, _, anchor = url.partition("#")
    if anchor:
        rows = soup.select(f"#{anchor} > li")
    else:
        # Wagtail's listings leave the table out when nothing matches.
        table = soup.select_one("#pending-grants") or soup.select_one("table.listing")
        rows = table.select("tbody tr") if table else []
    return len([row for row in rows if row.get_text(strip=True) not in EMPTY_ROW_TEXTS])


@pytest.mark.parametrize("username", [u for u, *_ in DEMO_USERS])
def test_every_count_opens_a_list_of_exactly_that_many(client, demo_centre, username):
    client.force_login(demo_centre[username])
    counts = dashboard_counts(client.get("/admin/").content.decode())
    assert counts, "the first screen shows no counts"
    for key, count, url in counts:
        response = client.get(url)
        assert response.status_code == 200, url
        assert list_length(response.content.decode(), url) == count, f"{key}: {url}"


def test_missing_papers_count_follows_the_papers_on_file(client, demo_centre):
    """Complete papers take a household off; a superseded paper, or a tenancy without its
    agreement, puts it back. The database query agrees with the rule household by household."""
    complete, superseded, let_out = HouseholdArchive.objects.order_by("path")[:3]
    for household in (complete, superseded, let_out):
        for kind in REQUIRED_HANDOVER_PAPERS:
            paper = ArchivePaper(household=household, kind=kind)
            paper.file.save(f"{kind}.pdf", ContentFile(b"%PDF-1.4 paper"), save=False)
            paper.save()
    ArchivePaper.objects.filter(household=superseded, kind=REQUIRED_HANDOVER_PAPERS[0]).update(
        superseded=True
    )
    Tenant.objects.create(household=let_out, name="刘租户", phone="13600001111")

    lacking = set(lacking_handover_papers())
    assert complete not in lacking
    assert {superseded, let_out} <= lacking
    by_rule = {h for h, _ in households_missing_papers(HouseholdArchive.objects.open())}
    assert lacking == by_rule

    client.force_login(demo_centre["dangan"])
    (count,) = [
        c
        for key, c, _ in dashboard_counts(client.get("/admin/").content.decode())
        if key == "missing_papers"
    ]
    assert count == len(by_rule)
