"""Callers' phones as staff really type them while the caller talks: a Chinese input
method in full-width mode gives １３８…, people read numbers out in groups of four, write them
with dashes (138-2600-1201) or with the country code (+86 138 2600 1201)."""

import importlib

import pytest
from django.apps import apps as django_apps
from staff_accounts import PASSWORD

from cases.models import Case
from cms.archives.models import Owner

CARD_PHONE = "13826001201"


@pytest.fixture
def household_with_owner(add_household):
    household = add_household("201")
    Owner.objects.create(household=household, name="何嘉欣", phone=CARD_PHONE)
    return household


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed",
    [
        "１３８２６００１２０１",
        "138 2600 1201",
        "138２６００1201",
        "138-2600-1201",
        "138－2600－1201",
        "+86 138 2600 1201",
        "+86-138-2600-1201",
        "0086 13826001201",
    ],
)
def test_the_cards_number_typed_in_full_width_or_groups_is_that_number(
    typed, new_case, household_with_owner
):
    case = new_case(household=household_with_owner, reporter_phone=typed)
    case.refresh_from_db()
    assert case.reporter_phone == CARD_PHONE
    # The archivist is not asked to check a "new" number that is the one on the card.
    assert not Case.objects.caller_phone_not_on_file().filter(pk=case.pk).exists()


@pytest.mark.django_db
def test_the_intake_form_accepts_a_full_width_number(client, staff, topic, household_with_owner):
    client.login(username=staff.username, password=PASSWORD)
    response = client.post(
        "/admin/cases/new/",
        {
            "kind": "complaint",
            "channel": "phone",
            "received_at": "2026-12-02T10:15",
            "household": household_with_owner.pk,
            "reporter_name": "何嘉欣",
            "reporter_phone": "１３８２６００１２０１",
            "topic": topic.pk,
            "description": "楼上夜里装修，电钻声很大",
            "severity": "general",
            "people_count": 1,
            "times_count": 1,
            "version": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Case.objects.get(household=household_with_owner).reporter_phone == CARD_PHONE


@pytest.mark.django_db
def test_an_owner_card_phone_in_full_width_is_kept_in_ascii(household_with_owner):
    owner = Owner(household=household_with_owner, name="何嘉欣", phone="１３９ ２６００ １３０２")
    owner.full_clean(exclude=["household"])
    assert owner.phone == "13926001302"


def _migration(app_module, name):
    return importlib.import_module(f"{app_module}.migrations.{name}")


@pytest.mark.django_db
def test_phones_typed_before_normalising_are_rewritten_when_the_database_is_migrated(
    new_case, household_with_owner
):
    case = new_case(household=household_with_owner, reporter_phone=CARD_PHONE)
    # Rows written before the card normalised numbers hold them as they were typed.
    Case.objects.filter(pk=case.pk).update(reporter_phone="138 2600 1201")
    Owner.objects.filter(household=household_with_owner).update(phone_alt="１３９-2600-1302")
    assert Case.objects.caller_phone_not_on_file().filter(pk=case.pk).exists()

    _migration(
        "cases", "0010_callers_phones_as_the_card_writes_them"
    ).write_phones_as_the_card_does(django_apps, None)
    _migration("cms.archives", "0011_owners_phones_as_written_now").write_owners_phones_as_now(
        django_apps, None
    )

    case.refresh_from_db()
    assert case.reporter_phone == CARD_PHONE
    assert not Case.objects.caller_phone_not_on_file().filter(pk=case.pk).exists()
    owner = Owner.objects.get(household=household_with_owner)
    assert (owner.phone, owner.phone_alt) == (CARD_PHONE, "13926001302")
