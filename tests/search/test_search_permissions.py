"""Hits follow the owning areas' policies: archive grants and case visibility."""

import pytest
from staff_accounts import make_user
from wagtail.models import Site

from cases import actions as case_actions
from cases.models import Case, CaseTopic
from cms.archives.actions import approve_access, request_access
from cms.archives.models import AccessRecord, ArchiveRoot, Building, Estate, HouseholdArchive, Owner
from core.roles import ARCHIVIST, MANAGER, STAFF, SUPERVISOR
from search.indexing import reindex
from search.query import search
from search.registry import get_kind


def add_household(building, room, owner):
    household = HouseholdArchive(unit="2", floor=int(room[:-2]), room=room)
    household.full_clean(exclude=["path", "depth"])
    building.add_child(instance=household)
    Owner.objects.create(household=household, name=owner, phone="13812345678")
    return household


@pytest.fixture
def households(db, search_prefix):
    home = Site.objects.get(is_default_site=True).root_page
    root = home.add_child(instance=ArchiveRoot(title="档案库", slug="dangan"))
    estate = root.add_child(instance=Estate(title="翠湖花园", slug="cuihu"))
    building = estate.add_child(instance=Building(title="3栋", slug="b3"))
    first = add_household(building, "1201", "张伟")
    second = add_household(building, "1202", "李娜")
    reindex(get_kind("archive"))
    return first, second


@pytest.fixture
def people(role_groups):
    return {
        "archivist": make_user("dangan_s", role_groups[ARCHIVIST]),
        "granted": make_user("kefu_s1", role_groups[STAFF]),
        "other": make_user("kefu_s2", role_groups[STAFF]),
        "supervisor": make_user("zhuguan_s", role_groups[SUPERVISOR]),
        "manager": make_user("jingli_s", role_groups[MANAGER]),
    }


def archive_titles(user, text):
    return sorted(h["title"] for h in search(user, text, kinds=["archive"]).hits)


def test_archive_hits_only_under_a_reading_grant(households, people):
    first, second = households
    grant = request_access(people["granted"], "核对装修申报", 3, household=first)
    approve_access(grant, people["manager"])

    assert archive_titles(people["other"], "翠湖花园") == []
    assert archive_titles(people["granted"], "翠湖花园") == [first.address]
    assert archive_titles(people["granted"], "李娜") == []
    assert archive_titles(people["archivist"], "翠湖花园") == [first.address, second.address]
    assert archive_titles(people["archivist"], "李娜") == [second.address]


def test_opening_an_archive_hit_checks_the_grant_and_writes_the_register(
    households, people, client
):
    first, second = households
    approve_access(request_access(people["granted"], "回访", 3, household=first), people["manager"])
    client.force_login(people["granted"])

    refused = client.get(f"/search/open/archive/{second.pk}/")
    assert refused.status_code == 403
    assert not AccessRecord.objects.filter(household=second).exists()

    opened = client.get(f"/search/open/archive/{first.pk}/", follow=True)
    assert opened.redirect_chain == [(f"/admin/archives/households/{first.pk}/", 302)]
    assert opened.status_code == 200
    # One click on the hit, one reading in the register (the reading page writes it).
    (record,) = AccessRecord.objects.filter(household=first)
    assert record.user == people["granted"]


@pytest.fixture
def cases(db, search_prefix, people):
    topic = CaseTopic.objects.get(name="噪音")

    def intake(by, description):
        return case_actions.create_case(
            by,
            kind=Case.Kind.COMPLAINT,
            channel=Case.Channel.PHONE,
            reporter_name="赵先生",
            topic=topic,
            description=description,
            location="3栋2单元",
        )

    mine = intake(people["granted"], "楼上深夜拖动家具噪音扰民")
    theirs = intake(people["other"], "楼下商铺空调外机噪音扰民")
    reindex(get_kind("case"))
    return mine, theirs


def test_case_hits_follow_case_visibility(cases, people):
    mine, theirs = cases

    def numbers(user):
        return sorted(h["title"].split()[0] for h in search(user, "噪音扰民", kinds=["case"]).hits)

    assert numbers(people["granted"]) == [mine.number]
    assert numbers(people["other"]) == [theirs.number]
    assert numbers(people["supervisor"]) == sorted([mine.number, theirs.number])


def test_case_hits_show_topic_and_status_facets(cases, people):
    result = search(people["supervisor"], "噪音", kinds=["case"])
    assert {b["value"] for b in result.facets["topic"]} == {"噪音"}
    assert result.facets["kind"][0]["label"] == "案件"
    assert result.facets["status"]


def test_opening_a_case_hit_leads_to_the_case_page_with_suggested_scripts(
    cases, people, client, manager_scripts
):
    mine, theirs = cases
    client.force_login(people["granted"])
    assert client.get(f"/search/open/case/{theirs.pk}/").status_code == 404
    opened = client.get(f"/search/open/case/{mine.pk}/")
    assert opened.status_code == 302 and opened.url == f"/admin/cases/{mine.pk}/"
    page = client.get(opened.url).content.decode()
    assert "楼上邻居晚上噪音太大怎么办" in page


@pytest.fixture
def manager_scripts(people):
    from cms.replies.actions import publish_script, topic_from_path
    from cms.replies.models import ReplyScript

    script = ReplyScript(
        question="楼上邻居晚上噪音太大怎么办",
        answer="<p>先联系楼上住户提醒</p>",
        topic=topic_from_path("邻里纠纷/噪音扰民"),
    )
    script.case_topics.set([CaseTopic.objects.get(name="噪音")])
    return publish_script(script, people["manager"])


def test_a_renamed_building_shows_its_new_name_in_archive_hits(
    households, people, django_capture_on_commit_callbacks
):
    first, _ = households
    building = first.get_parent().specific
    building.title = "7栋"
    with django_capture_on_commit_callbacks(execute=True):
        building.save_revision(user=people["archivist"]).publish()

    assert archive_titles(people["archivist"], "翠湖花园") == [
        "翠湖花园 7栋 2单元 1201室",
        "翠湖花园 7栋 2单元 1202室",
    ]


@pytest.mark.parametrize("said", ["3栋1201", "3栋1201室", "1201", "3栋2单元1201"])
def test_a_reader_finds_the_household_by_the_room_alone(households, people, said):
    first, _ = households
    assert archive_titles(people["archivist"], said) == [first.address]


def test_a_case_is_found_by_the_room_it_happened_in(cases, people):
    mine, theirs = cases
    hits = search(people["supervisor"], "3栋2单元", kinds=["case"]).hits
    assert sorted(h["title"].split()[0] for h in hits) == sorted([mine.number, theirs.number])
    assert search(people["supervisor"], "5栋2单元", kinds=["case"]).hits == []
