"""保全: a manager holds a violation case, a dispute or a household archive; while
held it is not edited, disposed or expired; placing and lifting are listed."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cms.archives import actions, holds
from cms.archives.models import Hold

pytestmark = pytest.mark.django_db


@pytest.fixture
def violation(users):
    from complaints import register_complaint

    from cases.models import Case, CaseTopic

    return register_complaint(
        users["staff"],
        kind=Case.Kind.VIOLATION,
        violation_kind=Case.ViolationKind.DECORATION,
        topic=CaseTopic.objects.get(name="装修"),
        description="中午施工电钻作业",
    )


def test_a_held_household_is_not_changed_until_lifted(client, users, archive_tree):
    household = archive_tree["household"]
    hold = holds.place_hold(
        household, users["manager"], "业主诉讼，法院调取档案", "（2026）粤0305民初1234号"
    )
    owner = household.owners.get()
    with pytest.raises(ValidationError, match="保全解除前不能修改"):
        actions.change_contact(owner, users["archivist"], "换号", phone="13900001111")
    with pytest.raises(ValidationError, match="已于"):
        actions.close_archive(household, users["archivist"], "拆迁")
    assert not household.permissions_for_user(users["archivist"]).can_edit()
    client.force_login(users["archivist"])
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[household.pk]))
    assert edit.status_code in (302, 403)
    holds.lift_hold(hold, users["manager"], "诉讼已结案")
    actions.change_contact(owner, users["archivist"], "换号", phone="13900001111")
    assert household.permissions_for_user(users["archivist"]).can_edit()


def test_a_held_violation_is_neither_edited_nor_disposed_nor_expired(users, violation):
    from cases import actions as case_actions
    from cases.models import Case

    manager = users["manager"]
    case_actions.start_handling(violation, manager)
    case_actions.reply(violation, manager, "已整改")
    case_actions.close_case(violation, manager, "整改完毕")
    Case.objects.filter(pk=violation.pk).update(closed_at=timezone.now() - dt.timedelta(days=800))
    case = Case.objects.get(pk=violation.pk)
    assert list(Case.objects.retention_expired()) == [case]
    hold = holds.place_hold(case, manager, "业主已起诉", "（2026）粤0305民初88号")
    assert list(Case.objects.retention_expired()) == []
    with pytest.raises(ValidationError, match="保全"):
        case_actions.dispose_case(case, manager)
    case.description = "改写"
    with pytest.raises(ValidationError, match="保全"):
        case_actions.update_case(case, manager)
    holds.lift_hold(hold, manager, "已判决")
    assert list(Case.objects.retention_expired()) == [Case.objects.get(pk=case.pk)]


def test_only_managers_hold_and_complaints_are_not_held(users, archive_tree, violation):
    with pytest.raises(PermissionDenied):
        holds.place_hold(archive_tree["household"], users["staff"], "想保全")
    with pytest.raises(ValidationError):
        holds.place_hold(archive_tree["household"], users["manager"], " ")


def test_holds_are_listed_with_placing_and_lifting(client, users, archive_tree, violation):
    client.force_login(users["manager"])
    url = reverse("archives_admin:holds")
    response = client.post(
        url,
        {
            "case_number": violation.number,
            "reason": "投诉至住建局",
            "reference": "住建函〔2026〕7号",
        },
    )
    assert response.status_code == 302
    hold = Hold.objects.get()
    client.post(reverse("archives_admin:lift_hold", args=[hold.pk]), {"lift_reason": "已答复"})
    body = client.get(url).content.decode()
    assert f"案件 {violation.number}" in body and "住建函〔2026〕7号" in body and "已答复" in body
    bad = client.post(url, {"case_number": "不存在-1", "reason": "x"}).content.decode()
    assert "没有这个案件编号" in bad
    client.force_login(users["staff"])
    assert client.get(url).status_code in (302, 403)
