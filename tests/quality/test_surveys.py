"""Survey samples, the do-not-visit exclusion, personal links and the archive update."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cms.archives.models import HouseholdArchive
from quality import actions
from quality.models import CarePlan, Question, Questionnaire, Survey, SurveyResponse


@pytest.fixture
def questionnaire(manager):
    q = Questionnaire.objects.create(title="满意度问卷")
    Question.objects.create(questionnaire=q, text="总体满意度", kind="score", sort_order=0)
    Question.objects.create(questionnaire=q, text="前台服务", kind="single",
                            options="很满意=5\n一般=3\n不满意=1", sort_order=1)
    Question.objects.create(questionnaire=q, text="联系方式", kind="multiple",
                            options="前台\n热线\n微信", required=False, sort_order=2)
    Question.objects.create(questionnaire=q, text="建议", kind="text", required=False,
                            sort_order=3)
    return actions.publish_questionnaire(q, manager)


def survey(supervisor, questionnaire, estate, **fields):
    today = timezone.localdate()
    values = dict(title="年度调查", questionnaire=questionnaire, estate=estate,
                  opens_on=today, closes_on=today + timedelta(days=14), sampling="all")
    values.update(fields)
    return actions.create_survey(supervisor, **values)


def refuse_visits(household, reason="业主要求不要打扰"):
    household = HouseholdArchive.objects.get(pk=household.pk)
    household.do_not_visit, household.do_not_visit_reason = True, reason
    household.save_revision().publish()
    return household


def answers(questionnaire, overall=5, front="很满意"):
    qs = {q.text: q.pk for q in questionnaire.questions.all()}
    return {qs["总体满意度"]: str(overall), qs["前台服务"]: front, qs["联系方式"]: ["前台"],
            qs["建议"]: "地库灯光再亮一些"}


def test_all_households_leaves_out_those_who_refused_visits(supervisor, questionnaire, estate,
                                                            households):
    refuse_visits(households[0])
    refuse_visits(households[12])
    made = survey(supervisor, questionnaire, estate)
    sampled = set(made.invitations.values_list("household_id", flat=True))
    assert len(sampled) == 13
    assert households[0].pk not in sampled and households[12].pk not in sampled


def test_proportion_is_taken_per_building_without_do_not_visit(supervisor, questionnaire, estate,
                                                               households, buildings):
    for household in households[:4]:
        refuse_visits(household)
    made = survey(supervisor, questionnaire, estate, sampling="proportion", proportion=30)
    sampled = list(made.invitations.select_related("household"))
    first = [i for i in sampled if i.household.path.startswith(buildings[0].path)]
    second = [i for i in sampled if i.household.path.startswith(buildings[1].path)]
    # 1栋: 6 households left after 4 refusals → ceil(1.8) = 2; 2栋: 5 → ceil(1.5) = 2
    assert (len(first), len(second)) == (2, 2)
    assert not {i.household_id for i in sampled} & {h.pk for h in households[:4]}


def test_chosen_households_keep_the_exclusion(supervisor, questionnaire, estate, households):
    refuse_visits(households[1])
    made = survey(supervisor, questionnaire, estate, sampling="chosen", chosen=households[:3])
    assert set(made.invitations.values_list("household_id", flat=True)) == {
        households[0].pk, households[2].pk
    }


def test_proportion_needs_a_proportion(supervisor, questionnaire, estate, households):
    with pytest.raises(ValidationError, match="抽样比例"):
        survey(supervisor, questionnaire, estate, sampling="proportion")
    assert not Survey.objects.exists()


def test_personal_link_takes_one_answer_and_sets_the_archive_satisfaction(
    supervisor, questionnaire, estate, households
):
    made = survey(supervisor, questionnaire, estate, sampling="chosen", chosen=households[:1])
    invitation = made.invitations.get()
    client = Client()
    url = reverse("quality_public_survey", args=[invitation.token])
    page = client.get(url)
    assert page.status_code == 200 and "总体满意度" in page.content.decode()
    assert 'name="viewport"' in page.content.decode()
    data = {f"q{k}": v for k, v in answers(questionnaire).items()}
    done = client.post(url, data)
    assert "提交成功" in done.content.decode()
    again = client.post(url, data)
    assert "已提交过" in again.content.decode()
    assert SurveyResponse.objects.count() == 1
    assert HouseholdArchive.objects.get(pk=households[0].pk).satisfaction == 5
    with pytest.raises(ValidationError, match="只能答一次"):
        actions.submit_response(invitation, answers(questionnaire))


def test_an_expired_link_takes_no_answer(supervisor, questionnaire, estate, households):
    made = survey(supervisor, questionnaire, estate, sampling="chosen", chosen=households[:1])
    invitation = made.invitations.get()
    later = invitation.expires_at + timedelta(seconds=1)
    with pytest.raises(ValidationError, match="已过期"):
        actions.submit_response(invitation, answers(questionnaire), now=later)
    invitation.expires_at = timezone.now() - timedelta(minutes=1)
    invitation.save()
    response = Client().get(reverse("quality_public_survey", args=[invitation.token]))
    assert response.status_code == 410 and "已过期" in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_an_unknown_link_is_not_found(db):
    assert Client().get(reverse("quality_public_survey", args=["nothing-here"])).status_code == 404


def test_missing_required_answer_is_refused_in_chinese_and_nothing_saved(
    supervisor, questionnaire, estate, households
):
    made = survey(supervisor, questionnaire, estate, sampling="chosen", chosen=households[:1])
    invitation = made.invitations.get()
    url = reverse("quality_public_survey", args=[invitation.token])
    response = Client().post(url, {})
    assert response.status_code == 400 and "为必答题" in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_a_score_of_three_or_four_opens_a_care_plan(supervisor, questionnaire, estate, households,
                                                   staff):
    made = survey(supervisor, questionnaire, estate, sampling="chosen", chosen=households[:2])
    first, second = made.invitations.order_by("id")
    actions.submit_response(first, answers(questionnaire, overall=3, front="一般"),
                            channel="phone", by=staff)
    actions.submit_response(second, answers(questionnaire, overall=5), channel="visit", by=staff)
    plan = CarePlan.objects.get()
    assert plan.household_id == first.household_id and plan.score == 3
    household = HouseholdArchive.objects.get(pk=first.household_id)
    assert household.satisfaction == 3 and "关怀计划" in household.care_plan
    from quality.reports import survey_results

    results = survey_results(made)
    assert results["answered"] == 2 and results["rate"] == 100
    overall = next(q for q in results["questions"] if q["question"].text == "总体满意度")
    assert overall["average"] == 4
    assert ("一般", 1) in next(q for q in results["questions"] if q["question"].text == "前台服务")["options"]


def test_staff_entry_needs_the_permission(supervisor, questionnaire, estate, households, role_groups):
    from staff_accounts import make_user

    from core.roles import ARCHIVIST

    made = survey(supervisor, questionnaire, estate, sampling="chosen", chosen=households[:1])
    archivist = make_user("dangan-q", role_groups[ARCHIVIST])
    with pytest.raises(PermissionDenied):
        actions.submit_response(made.invitations.get(), answers(questionnaire), channel="phone",
                                by=archivist)


def test_a_published_questionnaire_is_frozen_and_new_versions_are_drafts(questionnaire, manager):
    client = Client()
    client.force_login(manager)
    response = client.get(reverse("quality_questionnaires:edit", args=[questionnaire.pk]))
    assert response.status_code in (302, 403)
    copy = actions.new_questionnaire_version(questionnaire, manager)
    assert copy.version == 2 and copy.status == "draft" and copy.questions.count() == 4


def post_new_survey(supervisor, questionnaire, estate, rooms):
    client = Client()
    client.force_login(supervisor)
    today = timezone.localdate()
    return client.post(reverse("quality_surveys:add"), {
        "title": "专项回访调查", "questionnaire": questionnaire.pk, "estate": estate.pk,
        "opens_on": today.isoformat(), "closes_on": (today + timedelta(days=14)).isoformat(),
        "sampling": "chosen", "proportion": "", "chosen_rooms": rooms,
    })


def test_chosen_rooms_are_read_as_supervisors_type_them(supervisor, questionnaire, estate,
                                                         households):
    """1栋 101, 2栋201 written together and a full-width １栋　３０１ all name a household."""
    response = post_new_survey(supervisor, questionnaire, estate, "1栋 101\n2栋201\n１栋　３０１")
    assert response.status_code == 302, response.content.decode()[:3000]
    sampled = {i.household.pk for i in Survey.objects.get().invitations.all()}
    assert sampled == {households[0].pk, households[10 + 1].pk, households[2].pk}


def test_a_room_that_is_not_on_file_is_refused_and_the_list_kept(supervisor, questionnaire,
                                                                  estate, households):
    """A mistyped room is not dropped silently from the sample: the form names it and
    keeps what was typed."""
    response = post_new_survey(supervisor, questionnaire, estate, "1栋 101\n3栋 9999")
    page = response.content.decode()
    assert response.status_code == 200
    assert "找不到以下业户：3栋 9999" in page
    assert "1栋 101\n3栋 9999" in page
    assert not Survey.objects.exists()
