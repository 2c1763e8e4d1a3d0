"""Care lists name owners, their family and what they told the centre: that is archive
content (绝密). Whoever may read a household under the archive policy sees it in full,
and each household so shown is registered as a reading; anyone else who may list the
household (a butler of the building, the service head) sees the address, the occasion
and the date, with names and the contact note hidden."""

from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from cms.archives.models import AccessRecord, ContactLog, Owner
from quality.models import Birthday

HIDDEN = "（姓名已隐去）"
LIST_URL = reverse("quality_care_lists") + "?start=2026-12-31&end=2027-01-01"


@pytest.fixture
def household(buildings, staff):
    from quality_helpers import add_household

    from cms.archives.validators import with_check_digit

    household = add_household(buildings[0], "1201")
    Owner.objects.create(household=household, name="李梅", gender="female",
                         id_number=with_check_digit("44030519801231123"), phone="13800001111")
    Birthday.objects.create(household=household, name="李小宝", relation="子女",
                            birthday=date(2015, 1, 1))
    ContactLog.objects.create(household=household, staff=staff, channel="phone",
                              contacted_on=date(2026, 12, 31), summary="业主告知女儿下月结婚")
    return household


@pytest.fixture
def butler(staff, buildings):
    group = Group.objects.create(name="1栋管家组")
    buildings[0].butler_groups.add(group)
    buildings[0].save()
    staff.groups.add(group)
    return staff


def care_page(user):
    client = Client()
    client.force_login(user)
    response = client.get(LIST_URL)
    assert response.status_code == 200
    return response.content.decode()


def grant(user, building):
    from django.contrib.auth import get_user_model

    from cms.archives.actions import approve_access, request_access
    from core.roles import MANAGER, sync_roles

    approver = get_user_model().objects.create_user("shenpi-q", is_staff=True)
    approver.groups.add(sync_roles()[MANAGER])
    return approve_access(request_access(user, "生日关怀需核对称呼", 7, building=building),
                          approver)


def shows_nothing_private(page):
    return not any(text in page for text in ("李女士", "李小宝", "李梅", "结婚"))


@pytest.mark.django_db
def test_a_butler_without_a_grant_sees_the_address_with_names_hidden(butler, household):
    page = care_page(butler)
    assert "1201室" in page and HIDDEN in page
    assert shows_nothing_private(page)
    assert not AccessRecord.objects.filter(household=household).exists()


@pytest.mark.django_db
def test_the_service_head_without_a_grant_sees_every_household_masked(supervisor, household):
    page = care_page(supervisor)
    assert "1201室" in page and shows_nothing_private(page)


@pytest.mark.django_db
def test_with_a_grant_names_are_shown_and_the_reading_registered_once(butler, household,
                                                                      buildings):
    grant(butler, buildings[0])
    page = care_page(butler)
    assert "业主 李女士" in page and "子女 李小宝" in page and "结婚" in page
    readings = AccessRecord.objects.filter(user=butler, household=household, via="care")
    assert readings.count() == 1


def outbox_pages(user, row):
    client = Client()
    client.force_login(user)
    listing = client.get(reverse("quality_outbox:index"))
    inspect = client.get(reverse("quality_outbox:inspect", args=[row.pk]))
    return listing, inspect


@pytest.mark.django_db
def test_the_outbox_names_and_phones_no_owner_to_staff_without_a_grant(
    staff, supervisor, household, buildings
):
    from quality.messaging import send_message

    row = send_message(household, "{称呼}您好，生日快乐。", by=supervisor)[0]
    listing, inspect = outbox_pages(staff, row)
    shown = listing.content.decode() + (
        inspect.content.decode() if inspect.status_code == 200 else ""
    )
    assert "李女士" not in shown and "13800001111" not in shown
    assert not AccessRecord.objects.filter(household=household).exists()


@pytest.mark.django_db
def test_a_butler_without_a_grant_sees_their_outbox_by_address_only(
    butler, supervisor, household
):
    from quality.messaging import send_message

    row = send_message(household, "{称呼}您好，生日快乐。", by=supervisor)[0]
    listing, inspect = outbox_pages(butler, row)
    assert "1201室" in listing.content.decode() and HIDDEN in listing.content.decode()
    assert inspect.status_code == 200
    shown = listing.content.decode() + inspect.content.decode()
    assert "李女士" not in shown and "13800001111" not in shown and "138****1111" in shown
    assert not AccessRecord.objects.filter(household=household).exists()


@pytest.mark.django_db
def test_with_a_grant_the_outbox_message_is_read_and_registered(butler, supervisor, household,
                                                                 buildings):
    from quality.messaging import send_message

    row = send_message(household, "{称呼}您好，生日快乐。", by=supervisor)[0]
    grant(butler, buildings[0])
    listing, inspect = outbox_pages(butler, row)
    assert "李女士" in listing.content.decode()
    assert "李女士" in inspect.content.decode() and "13800001111" not in inspect.content.decode()
    # The list and the message each showed the owner's name: two readings.
    assert AccessRecord.objects.filter(user=butler, household=household, via="care").count() == 2


@pytest.mark.django_db
def test_family_birthdays_name_nobody_to_a_manager_without_a_grant(manager, household, buildings):
    birthday = Birthday.objects.get(household=household)
    client = Client()
    client.force_login(manager)
    listing = client.get(reverse("quality_birthdays:index"))
    assert listing.status_code == 200 and "李小宝" not in listing.content.decode()
    edit = client.get(reverse("quality_birthdays:edit", args=[birthday.pk]))
    assert edit.status_code != 200 or "李小宝" not in edit.content.decode()
    assert not AccessRecord.objects.filter(household=household).exists()
    grant(manager, buildings[0])
    assert "李小宝" in client.get(reverse("quality_birthdays:index")).content.decode()
    assert AccessRecord.objects.filter(user=manager, household=household, via="care").count() == 1


@pytest.fixture
def care_plan(household, supervisor):
    from quality.models import CarePlan

    return CarePlan.objects.create(household=household, score=3.5, owner=supervisor,
                                   actions="春节前上门问候李梅并送春联", due_on=date(2027, 1, 20))


def care_plan_pages(user, plan):
    client = Client()
    client.force_login(user)
    pages = [client.get(reverse("quality_care_plans:index")),
             client.get(reverse("quality_care_plans:edit", args=[plan.pk])),
             client.get(reverse("quality_care_plans:done", args=[plan.pk]))]
    return "".join(page.content.decode() for page in pages if page.status_code == 200)


@pytest.mark.django_db
def test_care_plans_show_no_score_or_actions_to_staff_without_a_grant(butler, care_plan):
    shown = care_plan_pages(butler, care_plan)
    assert "1201室" in shown
    assert "李梅" not in shown and "送春联" not in shown and "3.50" not in shown
    assert not AccessRecord.objects.filter(household=care_plan.household).exists()


@pytest.mark.django_db
def test_care_plans_list_no_household_outside_a_staff_members_buildings(staff, care_plan):
    shown = care_plan_pages(staff, care_plan)
    assert "1201室" not in shown and "送春联" not in shown


@pytest.mark.django_db
def test_with_a_grant_a_care_plan_is_read_and_registered(butler, care_plan, buildings):
    grant(butler, buildings[0])
    client = Client()
    client.force_login(butler)
    listing = client.get(reverse("quality_care_plans:index")).content.decode()
    assert "送春联" in listing and "3.50" in listing
    assert AccessRecord.objects.filter(user=butler, household=care_plan.household,
                                       via="care").count() == 1
    done = client.get(reverse("quality_care_plans:done", args=[care_plan.pk])).content.decode()
    assert "送春联" in done
    assert AccessRecord.objects.filter(user=butler, via="care").count() == 2


def logged_with_names(instance, title, by):
    """A log entry as written before titles stopped carrying names."""
    from wagtail.log_actions import log

    return log(instance, "wagtail.edit", user=by, title=title)


@pytest.mark.django_db
def test_a_birthdays_history_names_nobody_to_a_manager_without_a_grant(manager, household,
                                                                      supervisor):
    birthday = Birthday.objects.get(household=household)
    logged_with_names(birthday, "子女 李小宝 2015-01-01", supervisor)
    client = Client()
    client.force_login(manager)
    history = client.get(reverse("quality_birthdays:history", args=[birthday.pk]))
    assert history.status_code in (200, 404)
    assert "李小宝" not in history.content.decode()


@pytest.mark.django_db
def test_history_opens_no_record_of_a_household_the_user_may_not_list(staff, household,
                                                                      supervisor, care_plan):
    from quality.messaging import send_message

    birthday = Birthday.objects.get(household=household)
    message = send_message(household, "{称呼}您好，生日快乐。", by=supervisor)[0]
    client = Client()
    client.force_login(staff)
    for name, row in (("quality_birthdays", birthday), ("quality_outbox", message),
                      ("quality_care_plans", care_plan)):
        history = client.get(reverse(f"{name}:history", args=[row.pk]))
        assert history.status_code in (302, 403, 404), name
        assert "1201室" not in history.content.decode()


@pytest.mark.django_db
def test_the_dashboard_lists_no_overdue_plan_of_a_household_the_user_may_not_list(
    staff, care_plan
):
    from quality.models import CarePlan

    CarePlan.objects.filter(pk=care_plan.pk).update(due_on=date(2020, 1, 1))
    client = Client()
    client.force_login(staff)
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "逾期的关怀计划（0）" in page and 'id="overdue-care-plans"' not in page


@pytest.mark.django_db
def test_a_long_overdue_care_list_on_the_dashboard_says_it_shows_the_first_only(
    household, supervisor
):
    from quality.models import CarePlan

    CarePlan.objects.bulk_create(
        CarePlan(household=household, score=3, owner=supervisor, actions="上门回访",
                 due_on=date(2020, 1, day))
        for day in range(1, 12)
    )
    client = Client()
    client.force_login(supervisor)
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    panel = page.split('id="quality-panel"', 1)[1]
    assert "只列出前 10 条，共 11 条" in panel
    assert f'href="{reverse("quality_care_plans:index")}"' in panel


@pytest.mark.django_db
def test_a_butler_makes_care_plans_only_for_households_of_their_buildings(
    butler, household, buildings
):
    from quality_helpers import add_household

    from quality.models import CarePlan

    elsewhere = add_household(buildings[1], "502")
    client = Client()
    client.force_login(butler)
    form = client.get(reverse("quality_care_plans:add")).content.decode()
    assert f'value="{household.pk}"' in form
    assert f'value="{elsewhere.pk}"' not in form and "502室" not in form
    response = client.post(
        reverse("quality_care_plans:add"),
        {"household": elsewhere.pk, "actions": "上门问候", "owner": butler.pk,
         "due_on": "2027-01-20"},
    )
    assert response.status_code == 200
    assert not CarePlan.objects.exists()
    response = client.post(
        reverse("quality_care_plans:add"),
        {"household": household.pk, "actions": "上门问候", "owner": butler.pk,
         "due_on": "2027-01-20"},
    )
    assert response.status_code == 302
    assert CarePlan.objects.get().household == household
