"""Fixtures for the notice tests: private files in a temporary folder, an archive
tree, a manager and a staff member, and cases to issue notices from."""

import pytest
from notice_helpers import add_household, grant_reading
from staff_accounts import make_user, role_account
from wagtail.models import Page

from core.roles import MANAGER, STAFF


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    settings.DOC_TEMPLATES_CENTRE_NAME = "翠湖花园物业服务中心"
    # LibreOffice takes a second or two per notice: only test_notice_pdf.py converts.
    settings.NOTICE_PDF_ENABLED = False
    return tmp_path / "private"


@pytest.fixture
def tree(db):
    from cms.archives.models import ArchiveRoot, Building, Estate

    site_root = Page.get_first_root_node()
    root = site_root.add_child(instance=ArchiveRoot(title="档案库", slug="dangan"))
    estate = root.add_child(instance=Estate(title="翠湖花园", slug="cuihu"))
    building = estate.add_child(instance=Building(title="3栋", slug="b3"))
    other_building = estate.add_child(instance=Building(title="5栋", slug="b5"))
    household = add_household(building)
    neighbour = add_household(building, floor=11, room="1101", owner="李娜")
    far = add_household(other_building, unit="1", floor=3, room="301", owner="王芳")
    return {
        "estate": estate,
        "building": building,
        "household": household,
        "neighbour": neighbour,
        "far": far,
    }


@pytest.fixture
def manager(role_groups, tree):
    """The issuing manager, who holds an approved reading grant for 3栋 (so the
    notices he issues there may name the owner)."""
    user = make_user("jingli-n", role_groups[MANAGER], last_name="王", first_name="立新")
    grant_reading(user, tree["building"])
    return user


staff = role_account(STAFF, "kefu-n", "陈", "佳怡")


def _topic(name):
    from cases.models import CaseTopic

    return CaseTopic.objects.get_or_create(name=name)[0]


@pytest.fixture
def make_case(staff):
    from cases.actions import create_case

    def make(kind="violation", topic="违章搭建", household=None, **fields):
        defaults = {
            "channel": "visit",
            "description": "在露台加建彩钢板房约12平方米",
            "location": "3栋顶层露台",
        }
        if kind == "violation":
            defaults["violation_kind"] = "decoration"
        if household is None:
            defaults["reporter_name"] = "巡查岗"
        defaults.update(fields)
        return create_case(staff, kind=kind, topic=_topic(topic), household=household, **defaults)

    return make


@pytest.fixture
def violation_case(make_case, tree):
    return make_case(household=tree["household"])


@pytest.fixture
def noise_complaint(make_case, tree):
    """李娜 (1101) complains about building work on 1201's terrace; the case is
    linked to the complainant's household, as intake does for a caller."""
    return make_case(
        kind="complaint",
        topic="违章搭建",
        household=tree["neighbour"],
        channel="phone",
        reporter_name="李娜",
        description="楼上露台正在加建彩钢板房，每天敲打到晚上九点。",
        location="3栋2单元1201室露台",
    )


@pytest.fixture
def batches_run_now(settings, django_capture_on_commit_callbacks):
    """Batch jobs run in the request that starts them: the immediate task backend, and
    the after-commit hand-over executed. Use as ``with batches_run_now(): client.post(…)``."""
    settings.TASKS = {"default": settings.TASK_BACKENDS["immediate"]}
    return lambda: django_capture_on_commit_callbacks(execute=True)
