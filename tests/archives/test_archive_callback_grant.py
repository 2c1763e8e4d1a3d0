"""A reading granted 以便回访 (to call the owner back) shows the phone it was asked for; an
ordinary reading keeps it masked; both are in the register, the call back named as such."""

import pytest
from django.urls import reverse

from cms.archives.models import AccessGrant, AccessRecord

pytestmark = pytest.mark.django_db

PHONE = "13812345678"


def ask_and_approve(client, users, household, purpose):
    client.force_login(users["staff"])
    response = client.post(
        reverse("archives_admin:request_access"),
        {
            "scope": "household",
            "household": household.pk,
            "purpose": purpose,
            "reason": "业主来电投诉电梯噪音，处理后需电话回访",
            "duration_days": 1,
        },
    )
    assert response.status_code == 302
    grant = AccessGrant.objects.get(requester=users["staff"])
    client.force_login(users["manager"])
    client.post(reverse("archives_admin:decide_grant", args=[grant.pk, "approve"]))
    client.force_login(users["staff"])
    return grant


def test_a_grant_for_a_call_back_shows_the_phone_and_registers_the_look(
    client, users, archive_tree
):
    household = archive_tree["household"]
    grant = ask_and_approve(client, users, household, "callback")
    grants_page = client.get(reverse("archives_admin:grants")).content.decode()
    assert "【以便回访】" in grants_page and "查看回访电话" in grants_page

    body = client.get(reverse("archives_admin:household", args=[household.pk])).content.decode()
    assert PHONE in body
    assert "本次查阅以便回访" in body
    assert "11010519491231002X" not in body
    record = AccessRecord.objects.filter(user=users["staff"], household=household).latest("pk")
    assert record.via == AccessRecord.Via.CALLBACK and record.grant == grant


def test_an_ordinary_reading_keeps_the_phone_masked(client, users, archive_tree):
    household = archive_tree["household"]
    ask_and_approve(client, users, household, "read")
    body = client.get(reverse("archives_admin:household", args=[household.pk])).content.decode()
    assert PHONE not in body and "本次查阅以便回访" not in body
    record = AccessRecord.objects.filter(user=users["staff"], household=household).latest("pk")
    assert record.via == AccessRecord.Via.READ
