"""The archivist's editing day in Wagtail's own editor: a household with a paper
opens and saves, a paper is replaced or marked superseded but never removed, a
duplicate room is a Chinese field error with the input kept."""

import re

import pytest
from django.core.files.base import ContentFile
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from wagtail.models import Page

from cms.archives.models import ArchivePaper, HouseholdArchive, PaperKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def paper(archive_tree):
    household = archive_tree["household"]
    paper = ArchivePaper(household=household, kind=PaperKind.OWNER_CARD)
    paper.file.save("owner-card.pdf", ContentFile(b"%PDF-1.4 card"), save=False)
    paper.save()
    household.save_revision().publish()
    return paper


def edit_form_data(response):
    """The edit form's own fields as the browser would post them back."""
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        data[name] = value
    for formset in form.formsets.values():
        management = formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management[name].value()
        for child in formset.forms:
            for name in child.fields:
                value = child[name].value()
                if value is not None and not isinstance(value, FieldFile):
                    data[f"{child.prefix}-{name}"] = value
    return {k: v for k, v in data.items() if not isinstance(v, FieldFile)}


class TestHouseholdWithAPaper:
    def test_edit_page_opens_with_the_paper_and_its_download_link(
        self, client, users, archive_tree, paper
    ):
        client.force_login(users["archivist"])
        response = client.get(reverse("wagtailadmin_pages:edit", args=[paper.household_id]))
        assert response.status_code == 200
        body = response.content.decode()
        assert "owner-card" in body
        assert reverse("archives:paper", args=[paper.pk]) in body

    def test_removing_the_paper_in_the_form_keeps_it(self, client, users, archive_tree, paper):
        client.force_login(users["archivist"])
        url = reverse("wagtailadmin_pages:edit", args=[paper.household_id])
        data = edit_form_data(client.get(url))
        data["papers-0-DELETE"] = "1"
        data["action-publish"] = "1"
        response = client.post(url, data)
        assert response.status_code == 200
        assert "档案资料永久保存，不能删除" in response.content.decode()
        assert ArchivePaper.objects.filter(pk=paper.pk).exists()

    def test_superseded_paper_no_longer_counts_as_present(self, archive_tree, paper):
        from cms.archives.reports import missing_papers

        assert "业主资料卡" not in missing_papers(archive_tree["household"])
        paper.superseded = True
        paper.save()
        household = HouseholdArchive.objects.get(pk=paper.household_id)
        assert "业主资料卡" in missing_papers(household)
        assert ArchivePaper.objects.filter(pk=paper.pk).exists()


class TestDuplicateRooms:
    def add_url(self, building):
        return reverse("wagtailadmin_pages:add", args=["archives", "householdarchive", building.pk])

    def room_data(self, client, building, unit, room):
        response = client.get(self.add_url(building))
        assert response.status_code == 200
        data = edit_form_data(response)
        data.update(unit=unit, floor="3", room=room, title="", slug="")
        data["action-publish"] = "1"
        return data

    def test_units_differing_only_in_chinese_are_two_rooms(self, client, users, archive_tree):
        client.force_login(users["archivist"])
        building = archive_tree["building_a"]
        for unit in ("东", "西"):
            response = client.post(
                self.add_url(building), self.room_data(client, building, unit, "301")
            )
            assert response.status_code == 302, unit
        rooms = HouseholdArchive.objects.child_of(building).filter(room="301")
        assert sorted(rooms.values_list("unit", flat=True)) == ["东", "西"]
        assert len(set(rooms.values_list("slug", flat=True))) == 2

    def test_a_duplicate_room_is_a_chinese_field_error_with_the_input_kept(
        self, client, users, archive_tree
    ):
        client.force_login(users["archivist"])
        building = archive_tree["building_a"]
        data = self.room_data(client, building, "2", "1201")
        data["care_plan"] = "每月回访一次"
        response = client.post(self.add_url(building), data)
        assert response.status_code == 200
        body = response.content.decode()
        assert "本楼栋已有 2单元 1201室 的档案" in body
        assert "每月回访一次" in body
        assert HouseholdArchive.objects.child_of(building).filter(room="1201").count() == 1

    def test_the_same_room_in_another_building_is_fine(self, client, users, archive_tree):
        client.force_login(users["archivist"])
        building = archive_tree["building_b"]
        response = client.post(
            self.add_url(building), self.room_data(client, building, "2", "1201")
        )
        assert response.status_code == 302
        assert Page.objects.filter(title="2单元 1201室").count() == 2
        assert re.fullmatch(
            r"2-1201(-\d+)?", HouseholdArchive.objects.child_of(building).get(room="1201").slug
        )


def test_removing_an_owner_in_the_editor_is_a_recorded_change(client, users, archive_tree):
    from cms.archives.models import ArchiveChange

    household = archive_tree["household"]
    household.save_revision().publish()
    client.force_login(users["archivist"])
    url = reverse("wagtailadmin_pages:edit", args=[household.pk])
    data = edit_form_data(client.get(url))
    data["owners-0-DELETE"] = "1"
    data["action-publish"] = "1"
    assert client.post(url, data).status_code == 302
    change = ArchiveChange.objects.get(household=household, kind="owner_removed")
    assert change.changed_by == users["archivist"]
    removed = change.before["owners"][0]
    assert removed["name"] == "张伟" and removed["phone"] == "13812345678"
    assert removed["id_number"] == "11010519491231002X"


@pytest.mark.parametrize("key", ["estate", "building_a"])
def test_estate_and_building_editors_read_like_an_archive(client, users, archive_tree, key):
    client.force_login(users["archivist"])
    page = archive_tree[key]
    body = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    assert "SEO" not in body and "公众" not in body and "搜索引擎" not in body
    assert ("小区名称" if key == "estate" else "楼栋名称") in body


def test_a_new_estate_needs_only_its_name(client, users, archive_tree):
    from cms.archives.models import Estate

    client.force_login(users["archivist"])
    url = reverse("wagtailadmin_pages:add", args=["archives", "estate", archive_tree["root"].pk])
    data = edit_form_data(client.get(url))
    data.update(title="桂语江南", address="南山区科技园", slug="")
    data["action-publish"] = "1"
    assert client.post(url, data).status_code == 302
    assert Estate.objects.get(title="桂语江南").slug
