"""Demo content of service quality: the published checklist, one questionnaire, message
templates, staff native places, a relationship plan and one audit. Loads once."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from cms.archives.models import Estate
from quality import actions
from quality.checklist_demo import CHECKLIST_NAME, INDICATORS
from quality.models import (
    Checklist,
    ChecklistIndicator,
    ChecklistItem,
    InterviewPlan,
    MessageTemplate,
    Occasion,
    OwnerStage,
    Question,
    Questionnaire,
    RelationshipAction,
    RelationshipPlan,
    StaffProfile,
    Survey,
    SurveyResponse,
)

QUESTIONNAIRE_TITLE = "业户满意度调查问卷"
QUESTIONS = [
    ("您对物业服务的总体满意程度", Question.Kind.SCORE, ""),
    ("您对客服前台接待和电话回复是否满意", Question.Kind.SINGLE,
     "很满意=5\n满意=4\n一般=3\n不太满意=2\n很不满意=1"),
    ("您对小区公共区域卫生的评价", Question.Kind.SCORE, ""),
    ("近半年您通过哪些方式联系过服务中心", Question.Kind.MULTIPLE,
     "前台\n服务热线\n管家微信\n业主论坛\n没有联系过"),
    ("您最希望我们改进的一件事", Question.Kind.TEXT, ""),
]

TEMPLATES = {
    Occasion.BIRTHDAY: "{称呼}您好！今天是您家人的好日子，{小区}物业服务中心祝生日快乐、阖家安康。",
    Occasion.HOLIDAY: "{称呼}您好！{节日}将至，{小区}物业服务中心祝您节日愉快。假期出行请锁好门窗，"
    "有事可拨打服务中心电话。",
    Occasion.WELCOME: "{称呼}您好！欢迎入住{小区}{房号}。您的专属管家会在一周内上门拜访，"
    "平时有任何需要请随时联系服务中心。",
    Occasion.WARRANTY: "{称呼}您好！您家{房号}的房屋保修期将在一个月后到期，"
    "如发现渗漏、开裂等问题，请尽快告诉我们，我们协助您向开发商报修。",
    Occasion.HAPPY_EVENT: "{称呼}您好！听闻府上有喜事，{小区}物业服务中心全体同事送上祝福！",
    Occasion.GENERAL: "{称呼}您好！{小区}物业服务中心提醒您：",
}

PLAN_ACTIONS = [
    (OwnerStage.NOT_MOVED_IN, "让未入住业主感受到服务", "每季度给未入住业主寄送小区近况和收楼须知",
     "客服部", "顾客满意度报告", [3, 6, 9, 12]),
    (OwnerStage.NEW, "留下良好的第一印象", "办完入住手续当天发欢迎短信，附管家电话；一周内上门拜访",
     "客服部", "满意度调查结果", list(range(1, 13))),
    (OwnerStage.BREAK_IN, "让业主了解物业服务", "举办装修知识讲座，装修期间每月告知装修进度和问题",
     "工程部/客服部", "督导检查报告", [4, 5, 10]),
    (OwnerStage.STABLE, "把满意度3–4分的业户培养成满意业户", "制定关怀和访谈计划，一个月内回访确认",
     "客服部", "满意度调查结果", [2, 5, 8, 11]),
    (OwnerStage.VETERAN, "持续加深关系", "节日和生日发送祝福短信，喜事上门祝贺",
     "客服部/综合办", "顾客满意度报告", [1, 2, 5, 10]),
]


def load_checklist():
    checklist = Checklist.objects.create(
        name=CHECKLIST_NAME, note="适用于各物业服务中心的季度督导检查。"
    )
    for order, (name, points, items) in enumerate(INDICATORS):
        ChecklistIndicator.objects.create(
            checklist=checklist, name=name, points=points, sort_order=order
        )
        for item_order, (title, standard, method, rule, amount) in enumerate(items):
            ChecklistItem.objects.create(
                checklist=checklist, indicator_name=name, title=title, standard=standard,
                method=method, rule=rule, amount=amount, sort_order=order * 100 + item_order,
            )
    return checklist


def load_questionnaire():
    questionnaire = Questionnaire.objects.create(
        title=QUESTIONNAIRE_TITLE, intro="感谢您抽空填写，约需两分钟，答案只用于改进服务。"
    )
    for order, (text, kind, options) in enumerate(QUESTIONS):
        Question.objects.create(
            questionnaire=questionnaire, text=text, kind=kind, options=options,
            required=kind != Question.Kind.TEXT, sort_order=order,
        )
    return questionnaire


def load_survey_and_plans(estate, supervisor, manager):
    today = timezone.localdate()
    questionnaire = Questionnaire.objects.get(title=QUESTIONNAIRE_TITLE, status="published")
    survey = actions.create_survey(
        supervisor, title=f"{today.year}年度业户满意度调查", questionnaire=questionnaire,
        estate=estate, opens_on=today - timedelta(days=7), closes_on=today + timedelta(days=21),
        sampling=Survey.Sampling.PROPORTION, proportion=50,
    )
    questions = list(questionnaire.questions.all())
    for invitation, (overall, front) in zip(
        survey.invitations.all()[:2], [(5, "很满意"), (3, "一般")], strict=False
    ):
        actions.submit_response(
            invitation,
            {questions[0].pk: overall, questions[1].pk: front, questions[2].pk: 4,
             questions[3].pk: ["前台"], questions[4].pk: "希望地库照明再亮一些"},
            channel=SurveyResponse.Channel.PHONE, by=supervisor,
        )
    plan = actions.draft_interview_plan(
        supervisor, estate=estate, kind=InterviewPlan.Kind.MONTHLY, year=today.year,
        month=today.month, scope="重要客户全部走访，普通业户每栋抽取两成",
        content="了解对秩序维护、保洁和报修响应的意见，收集对社区活动的建议",
        preparation="带上服务中心联系卡和近期工作简报", proportion=20,
    )
    actions.submit_interview_plan(plan, supervisor)
    actions.approve_interview_plan(plan, manager, "同意，月底前完成")


def load(groups, stdout):
    if Checklist.objects.filter(name=CHECKLIST_NAME).exists():
        return
    User = get_user_model()
    manager = User.objects.get(username="jingli")
    supervisor = User.objects.get(username="zhuguan")
    staff = User.objects.get(username="kefu")
    checklist = actions.publish_checklist(load_checklist(), manager)
    actions.publish_questionnaire(load_questionnaire(), manager)
    for occasion, text in TEMPLATES.items():
        MessageTemplate.objects.create(occasion=occasion, text=text)
    StaffProfile.objects.create(user=manager, native_place="广东梅州", is_centre_head=True)
    StaffProfile.objects.create(user=supervisor, native_place="湖南长沙")
    StaffProfile.objects.create(user=staff, native_place="广东潮州")
    estate = Estate.objects.first()
    if estate is None:
        return
    year = timezone.localdate().year
    plan = RelationshipPlan.objects.create(estate=estate, year=year)
    for order, (stage, strategy, action, department, measure, months) in enumerate(PLAN_ACTIONS):
        row = RelationshipAction(
            plan=plan, stage=stage, strategy=strategy, action=action, department=department,
            measure=measure, sort_order=order,
        )
        for month in months:
            setattr(row, f"m{month}", True)
        row.save()
    audit = actions.start_audit(
        estate, checklist, [supervisor], supervisor,
        audit_date=timezone.localdate() - timedelta(days=30), project_manager=manager,
    )
    items = {item.title: item for item in checklist.items.all()}
    actions.record_finding(audit, items["电话礼仪"], supervisor, "前台来电响铃五声后才接听",
                           location="客服前台", persons="前台值班员")
    actions.record_finding(audit, items["装修巡查"], supervisor,
                           "2栋两户装修巡查记录缺少上周记录", location="2栋", count=2)
    actions.sign_audit(audit, supervisor)
    load_survey_and_plans(estate, supervisor, manager)
    stdout.write(
        f"服务品质演示数据：检查标准（{len(items)}项）、问卷、短信模板、"
        f"{year}年客户关系建设计划、一次督导检查（得分{audit.total_score or Decimal(0)}）"
    )
