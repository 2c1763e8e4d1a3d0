"""Linking a complaint to the caller's household while the caller talks: the caller says
where they live ("3栋1201", "翠湖花园3栋2单元1201室"), staff type just that into the
household chooser of the case form, and the one household comes up (address only). Staff
type it as it is said and as their input method gives it: 3-1201, 3号楼1201, 三栋1201,
full-width ３栋１２０１, 1201房."""

import re

import pytest


def chosen_rooms(client, query):
    response = client.get(
        "/admin/choose-page/search/",
        {"q": query, "page_type": "archives.householdarchive"},
    )
    assert response.status_code == 200
    return re.findall(r'data-id="(\d+)"', response.content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize(
    "said", ["3栋1201", "3栋1201室", "3栋2单元1201", "3栋2单元1201室", "2单元1201", "翠湖花园3栋1201"]
)
def test_staff_find_the_callers_household_as_the_caller_says_it(client, users, archive_tree, said):
    client.force_login(users["staff"])
    assert set(chosen_rooms(client, said)) == {str(archive_tree["household"].pk)}


@pytest.mark.django_db
def test_another_buildings_room_is_not_offered(client, users, archive_tree):
    client.force_login(users["staff"])
    assert chosen_rooms(client, "5栋1201") == []
    assert set(chosen_rooms(client, "5栋301")) == {str(archive_tree["other"].pk)}


@pytest.mark.django_db
def test_a_renamed_building_is_found_by_its_new_name(
    client, users, archive_tree, django_capture_on_commit_callbacks
):
    # The estate renumbers its buildings: callers now say 7栋, and the chooser must follow.
    building = archive_tree["building_a"]
    building.title = "7栋"
    with django_capture_on_commit_callbacks(execute=True):
        building.save_revision(user=users["archivist"]).publish()
    client.force_login(users["staff"])
    assert set(chosen_rooms(client, "7栋1201")) == {str(archive_tree["household"].pk)}
    assert chosen_rooms(client, "3栋1201") == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "said",
    [
        "3-1201",
        "3-2-1201",
        "3号楼1201",
        "3幢1201",
        "3座2单元1201",
        "三栋1201",
        "三栋二单元一二零一",
        "３栋１２０１",
        "3栋1201房",
        "3栋 2单元 1201",
        "翠湖花园3-1201",
    ],
)
def test_the_callers_household_is_found_as_staff_type_it(client, users, archive_tree, said):
    client.force_login(users["staff"])
    assert set(chosen_rooms(client, said)) == {str(archive_tree["household"].pk)}
