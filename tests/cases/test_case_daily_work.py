"""Each role's first screen lists its work, each count opens its filtered list, and the case
forms refuse bad caller input in Chinese while keeping what was typed."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from staff_accounts import make_user

from cases import actions
from cases.models import Case
from core.roles import ARCHIVIST


def counts(client):
    body = client.get("/admin/").content.decode()
    return body


def count_of(body, key):
    start = body.index(f'id="count-{key}"')
    strong = body.index("<strong>", start) + len("<strong>")
    return int(body[strong : body.index("</strong>", strong)])


def test_staff_first_screen_lists_my_open_cases_with_clocks_and_wording(client, staff, new_case):
    mine = new_case()
    client.force_login(staff)
    body = counts(client)
    assert count_of(body, "mine") == 1
    assert count_of(body, "due_today") >= 0 and count_of(body, "visits_due") == 0
    assert mine.number in body
    assert f'data-due="{timezone.localtime(mine.response_due_at).isoformat()}"' in body
    listed = client.get("/admin/cases/?work=mine").content.decode()
    assert mine.number in listed


def test_a_case_handed_to_someone_else_leaves_my_list(client, staff, supervisor, new_case):
    case = new_case()
    actions.assign_handler(case, staff, supervisor, "请主管处理")
    client.force_login(staff)
    assert count_of(counts(client), "mine") == 0
    client.force_login(supervisor)
    assert case.number in client.get("/admin/cases/?work=mine").content.decode()


def test_supervisor_sees_decisions_to_sign_but_not_their_own(client, supervisor, manager, new_case):
    violation = new_case(kind=Case.Kind.VIOLATION, violation_kind="decoration")
    actions.decide_measure(violation, supervisor, "rectify", None, timezone.localdate(), "限期拆除")
    client.force_login(supervisor)
    assert count_of(counts(client), "to_sign") == 0
    other = new_case(kind=Case.Kind.VIOLATION, violation_kind="fire", reporter_name="巡查")
    actions.decide_measure(other, manager, "rectify", None, timezone.localdate(), "清理通道")
    body = counts(client)
    assert count_of(body, "to_sign") == 1 and other.number in body
    listed = client.get("/admin/cases/?work=to_sign").content.decode()
    assert other.number in listed and violation.number not in listed


def test_manager_sees_rectification_notices_still_to_issue(client, supervisor, manager, new_case):
    violation = new_case(kind=Case.Kind.VIOLATION, violation_kind="decoration")
    actions.decide_measure(violation, manager, "rectify", None, timezone.localdate(), "限期拆除")
    client.force_login(manager)
    assert count_of(counts(client), "notice_due") == 0
    actions.sign_decision(Case.objects.get(pk=violation.pk), supervisor)
    body = counts(client)
    assert count_of(body, "notice_due") == 1
    assert violation.number in client.get("/admin/cases/?work=notice_due").content.decode()


def test_archivist_is_told_of_a_caller_phone_not_on_the_owner_card(
    client, role_groups, staff, new_case, add_household
):
    from cms.archives.actions import change_contact
    from cms.archives.models import Owner

    household = add_household("302")
    owner = Owner.objects.create(household=household, name="刘洋", phone="13811112222")
    new_case(household=household, reporter_name="刘洋", reporter_phone="13811112222")
    archivist = make_user("dangan1", role_groups[ARCHIVIST])
    client.force_login(archivist)
    assert count_of(counts(client), "contact_changes") == 0
    case = new_case(household=household, reporter_name="刘洋", reporter_phone="13933334444")
    body = counts(client)
    assert count_of(body, "contact_changes") == 1
    listed = client.get("/admin/work/contact-changes/").content.decode()
    assert "13933334444" in listed and case.number in listed and "5栋" in listed
    change_contact(owner, archivist, "来电核实", phone="13933334444")
    assert count_of(counts(client), "contact_changes") == 0
    client.force_login(staff)
    refused = client.get("/admin/work/contact-changes/", follow=True)
    assert refused.redirect_chain[-1][0] == "/admin/"
    assert "13933334444" not in refused.content.decode()


@pytest.mark.parametrize(
    ("name", "phone", "field", "message"),
    [
        ("赵女士", "1380013800", "reporter_phone", "联系电话格式不正确"),
        ("赵女士", "call me", "reporter_phone", "联系电话格式不正确"),
        ("赵女士😀", "13800138000", "reporter_name", "不能有表情符号"),
        ("赵\u200b女士", "13800138000", "reporter_name", "不可见的控制字符"),
    ],
)
def test_bad_caller_names_and_phones_are_refused_in_chinese(
    staff, topic, name, phone, field, message
):
    case = Case(
        kind="complaint", channel="phone", topic=topic, description="噪音", reporter_name=name,
        reporter_phone=phone,
    )  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        actions.register_case(case, staff)
    assert message in " ".join(refused.value.message_dict[field])


def test_good_caller_names_and_phones_pass(staff, topic):
    for name, phone in [("阿卜杜·热合曼", "0991-4567890"), ("王先生（租户）", "+86 13800138000")]:
        actions.create_case(
            staff, kind="complaint", channel="phone", topic=topic, description="噪音",
            reporter_name=name, reporter_phone=phone,
        )  # fmt: skip


def test_the_intake_form_opens_with_today_and_states_its_maxima(client, staff):
    client.force_login(staff)
    body = client.get("/admin/cases/new/").content.decode()
    today = timezone.localdate().isoformat()
    assert 'type="datetime-local"' in body and f'value="{today}T' in body
    assert 'maxlength="2000"' in body and "最多 2000 字" in body
    assert 'class="case-search"' in body


def test_an_over_long_description_is_refused_and_the_form_keeps_it(client, staff, topic):
    client.force_login(staff)
    response = client.post(
        "/admin/cases/new/",
        {
            "kind": "complaint",
            "channel": "phone",
            "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "reporter_name": "赵女士",
            "topic": topic.pk,
            "description": "吵" * 2001,
            "severity": "general",
            "people_count": 1,
            "times_count": 1,
            "version": 1,
        },
    )
    body = response.content.decode()
    assert response.status_code == 200 and not Case.objects.exists()
    assert "2000" in body and "吵" * 50 in body


def test_related_cases_are_found_by_search_among_visible_cases(client, staff, new_case, manager):
    seen = new_case(reporter_name="钱女士", description="三楼电梯停运")
    hidden = actions.create_case(
        manager, kind="complaint", channel="phone", topic=seen.topic, description="三楼电梯停运",
        reporter_name="孙先生",
    )  # fmt: skip
    client.force_login(staff)
    found = client.get("/admin/cases/lookup/", {"q": "电梯"}).json()["results"]
    assert [item["id"] for item in found] == [seen.pk]
    assert hidden.pk not in [item["id"] for item in found]


def test_visits_due_today_are_listed(client, staff, new_case):
    case = new_case()
    actions.start_handling(case, staff, "")
    actions.reply(case, staff, "已协调楼上住户", "")
    Case.objects.filter(pk=case.pk).update(visit_due_at=timezone.now() - dt.timedelta(hours=1))
    client.force_login(staff)
    body = counts(client)
    assert count_of(body, "visits_due") == 1
    assert case.number in client.get("/admin/cases/?work=visits_due").content.decode()


def test_manager_first_screen_names_the_requested_household_with_estate_and_building(
    client, staff, manager, add_household
):
    from cms.archives.actions import request_access

    household = add_household("302")
    request_access(staff, "核对预留电话以便回访", 3, household=household)
    client.force_login(manager)
    body = counts(client)
    assert count_of(body, "access_requests") == 1
    assert "翠湖花园 5栋 1单元 302室（核对预留电话以便回访）" in body
    assert count_of(body, "scripts_to_approve") == 0


def test_a_long_overdue_list_on_the_dashboard_says_it_shows_the_first_only_and_links_to_all(
    client, supervisor, new_case
):
    cases = [new_case() for _ in range(21)]
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(
        response_due_at=timezone.now() - dt.timedelta(hours=2)
    )
    client.force_login(supervisor)
    panel = client.get("/admin/").content.decode().split('id="case-deadlines"', 1)[1]
    overdue = panel.split("已超时", 1)[1].split("</ul>", 1)[0]
    assert overdue.count("<li>") == 20
    after = panel.split("已超时", 1)[1].split("<h3>", 1)[0]
    assert "只列出前 20 条，共 21 条" in after
    assert 'href="/admin/cases/?work=overdue"' in after
