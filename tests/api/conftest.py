"""Fixtures for the API tests: demo roles, an archive tree, tokens per scope, a client."""

import pytest
from staff_accounts import role_account
from wagtail.models import Page

from api.tokens import create_token
from core.roles import ARCHIVIST, MANAGER, STAFF

staff = role_account(STAFF, "kefu-api", "陈", "佳怡")
other_staff = role_account(STAFF, "kefu-api-2", "周", "敏")
manager = role_account(MANAGER, "jingli-api", "王", "立新")
archivist = role_account(ARCHIVIST, "dangan-api", "李", "静")


@pytest.fixture
def tree(db):
    from cms.archives.models import ArchiveRoot, Building, Estate, HouseholdArchive, Owner

    root = Page.get_first_root_node().add_child(instance=ArchiveRoot(title="档案库", slug="dangan"))
    estate = root.add_child(instance=Estate(title="翠湖花园", slug="cuihu"))
    building = estate.add_child(instance=Building(title="3栋", slug="b3"))
    household = HouseholdArchive(unit="2", floor=12, room="1201")
    household.full_clean(exclude=["path", "depth"])
    building.add_child(instance=household)
    Owner.objects.create(
        household=household, name="张伟", id_number="110101199003077777", phone="13812345678"
    )
    return {"root": root, "estate": estate, "building": building, "household": household}


@pytest.fixture
def token_for():
    def make(user, *scopes, days=30):
        return create_token(user, "测试工具", list(scopes), days)[1]

    return make


@pytest.fixture
def call(client):
    """client call with a bearer token: call("get", url, key, **kwargs)."""

    def request(method, url, key=None, **kwargs):
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        if "json" in kwargs:
            kwargs["data"] = kwargs.pop("json")
            kwargs["content_type"] = "application/json"
        return getattr(client, method)(url, headers=headers, **kwargs)

    return request
