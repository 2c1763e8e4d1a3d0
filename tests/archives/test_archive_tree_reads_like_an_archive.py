"""The archive tree in Wagtail's explorer reads like a cabinet: an estate or building opens
its drawers when clicked, and no archive page speaks of the public, SEO or web addresses."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

pytestmark = pytest.mark.django_db

WEB_PAGE_WORDING = ["公众", "SEO", "搜索引擎", "缩略名", "推广"]


def title_links(client, parent):
    listing = client.get(reverse("wagtailadmin_explore", args=[parent.pk]))
    soup = BeautifulSoup(listing.content, "html.parser")
    return {
        link.get_text(" ", strip=True): link["href"]
        for link in soup.select("td[data-listing-page-title] .title-wrapper > a")
    }


def test_clicking_an_estate_or_building_lists_what_it_holds(client, users, archive_tree):
    client.force_login(users["archivist"])
    estate, building = archive_tree["estate"], archive_tree["building_a"]
    household = archive_tree["household"]

    assert title_links(client, archive_tree["root"])["翠湖花园"] == reverse(
        "wagtailadmin_explore", args=[estate.pk]
    )
    assert title_links(client, estate)["3栋"] == reverse("wagtailadmin_explore", args=[building.pk])
    # A room is a file, not a folder: it opens in the editor.
    assert title_links(client, building)[household.title] == reverse(
        "wagtailadmin_pages:edit", args=[household.pk]
    )


@pytest.mark.parametrize("key", ["root", "estate", "building_a", "household"])
def test_no_archive_page_speaks_of_the_public_or_the_web(client, users, archive_tree, key):
    client.force_login(users["archivist"])
    response = client.get(reverse("wagtailadmin_pages:edit", args=[archive_tree[key].pk]))
    soup = BeautifulSoup(response.content, "html.parser")
    for hidden in soup(["script", "style", "template"]):
        hidden.decompose()
    text = soup.find("main").get_text(" ")
    assert [word for word in WEB_PAGE_WORDING if word in text] == []
