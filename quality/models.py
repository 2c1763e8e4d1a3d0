"""Service quality and customer relationships (服务品质与客户关系).

Supervision audits against a versioned checklist (督导检查), satisfaction surveys
(满意度调查), care lists, messages and care plans (客户关怀), the yearly relationship
plan per estate (客户关系建设计划) and interview plans (顾客访谈计划).

Every write goes through ``quality.actions``; who may do what is ``quality.policy``.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from core.storage import PrivateStorage

User = settings.AUTH_USER_MODEL
ZERO = Decimal("0")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    RETIRED = "retired", "已停用"


# Supervision audits -----------------------------------------------------------


class Checklist(ClusterableModel):
    """督导检查标准: one version of a checklist. A published version is frozen, so an
    audit always scores against exactly the version it used; changes make a new draft."""

    name = models.CharField("检查标准名称", max_length=100)
    version = models.PositiveIntegerField("版本", default=1)
    status = models.CharField(
        "状态", max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    note = models.TextField("说明", blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="发布人",
    )

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("version", read_only=True)]),
        FieldPanel("note"),
        InlinePanel("indicators", heading="一级指标", label="一级指标", min_num=1),
        InlinePanel("items", heading="二级指标与检查标准", label="检查项目", min_num=1),
    ]

    class Meta:
        verbose_name = "督导检查标准"
        verbose_name_plural = "督导检查标准"
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="checklist_version_unique")
        ]
        permissions = [("publish_checklist", "发布督导检查标准")]

    def __str__(self):
        return f"{self.name}（第{self.version}版·{self.get_status_display()}）"

    @property
    def total_points(self):
        return sum((i.points for i in self.indicators.all()), ZERO)


class ChecklistIndicator(Orderable):
    """一级指标 with its point budget, e.g. 行为规范 10分."""

    checklist = ParentalKey(Checklist, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField("一级指标", max_length=50)
    points = models.DecimalField(
        "分值", max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )

    panels = [FieldRowPanel([FieldPanel("name"), FieldPanel("points")])]

    class Meta(Orderable.Meta):
        verbose_name = "一级指标"
        verbose_name_plural = "一级指标"

    def __str__(self):
        return f"{self.name}（{self.points}分）"


class InspectionMethod(models.TextChoices):
    SITE = "site", "查看现场"
    RECORDS = "records", "查阅记录"
    STAFF = "staff", "现场抽查人员"


class DeductionRule(models.TextChoices):
    PER_PROBLEM = "per_problem", "每个问题点扣分"
    PER_PERSON = "per_person", "每人每个问题点扣分"


class ChecklistItem(Orderable):
    """二级指标: what is inspected, the standard, how, and what each problem costs."""

    checklist = ParentalKey(Checklist, on_delete=models.CASCADE, related_name="items")
    indicator_name = models.CharField(
        "所属一级指标", max_length=50, help_text="须与上方某个一级指标名称一致"
    )
    title = models.CharField("二级指标", max_length=100)
    standard = models.TextField("检查标准")
    method = models.CharField("检查方法", max_length=12, choices=InspectionMethod.choices)
    rule = models.CharField(
        "扣分方式", max_length=12, choices=DeductionRule.choices,
        default=DeductionRule.PER_PROBLEM,
    )
    amount = models.DecimalField(
        "每次扣分", max_digits=4, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )

    panels = [
        FieldRowPanel([FieldPanel("indicator_name"), FieldPanel("title")]),
        FieldPanel("standard"),
        FieldRowPanel([FieldPanel("method"), FieldPanel("rule"), FieldPanel("amount")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "检查项目"
        verbose_name_plural = "检查项目"

    def __str__(self):
        return f"{self.indicator_name}·{self.title}"

    @property
    def rule_text(self):
        if self.rule == DeductionRule.PER_PERSON:
            return f"一人一个问题点扣{self.amount.normalize()}分"
        return f"一个问题点扣{self.amount.normalize()}分"


class Audit(models.Model):
    """督导检查: one estate inspected on one date by named auditors against one
    checklist version; scores are computed from the findings."""

    class Status(models.TextChoices):
        OPEN = "open", "检查中"
        SIGNED = "signed", "检查组已签字"
        ACKNOWLEDGED = "acknowledged", "项目经理已确认"

    estate = models.ForeignKey(
        "archives.Estate", on_delete=models.PROTECT, related_name="audits", verbose_name="小区"
    )
    checklist = models.ForeignKey(
        Checklist, on_delete=models.PROTECT, related_name="audits", verbose_name="检查标准版本"
    )
    audit_date = models.DateField("检查日期", default=timezone.localdate)
    auditors = models.ManyToManyField(User, related_name="audits", verbose_name="检查人员")
    project_manager = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="managed_audits",
        verbose_name="项目经理",
    )
    status = models.CharField("状态", max_length=14, choices=Status.choices, default=Status.OPEN)
    total_score = models.DecimalField("总得分", max_digits=6, decimal_places=2, null=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name="登记人"
    )
    created_at = models.DateTimeField("登记时间", default=timezone.now)
    acknowledged_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="确认人",
    )
    acknowledged_at = models.DateTimeField("确认时间", null=True, blank=True)
    acknowledgement_note = models.TextField("项目经理意见", blank=True)

    class Meta:
        verbose_name = "督导检查"
        verbose_name_plural = "督导检查"
        ordering = ["-audit_date", "-id"]
        permissions = [("acknowledge_audit", "确认督导检查结果（项目经理）")]
        indexes = [models.Index(fields=["estate", "audit_date"])]

    def __str__(self):
        return f"{self.estate.title} {self.audit_date:%Y-%m-%d} 督导检查"


class AuditSignature(models.Model):
    """One auditor's sign-off (检查人员签字)."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="signatures")
    auditor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField("签字时间", default=timezone.now)

    class Meta:
        verbose_name = "检查人员签字"
        verbose_name_plural = "检查人员签字"
        constraints = [
            models.UniqueConstraint(fields=["audit", "auditor"], name="one_signature_per_auditor")
        ]

    def __str__(self):
        return f"{self.auditor} {self.signed_at:%Y-%m-%d %H:%M}"


class Finding(models.Model):
    """检查发现: problems found against one item; its deduction follows the item's rule."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="findings")
    item = models.ForeignKey(
        ChecklistItem, on_delete=models.PROTECT, related_name="findings", verbose_name="检查项目"
    )
    description = models.TextField("问题描述")
    location = models.CharField("地点", max_length=100, blank=True)
    persons = models.CharField(
        "涉及人员", max_length=200, blank=True, help_text="多人用顿号或逗号分隔"
    )
    count = models.PositiveSmallIntegerField(
        "问题点数", default=1, validators=[MinValueValidator(1)]
    )
    deduction = models.DecimalField("扣分", max_digits=6, decimal_places=2, default=ZERO)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)
    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True,
        related_name="audit_finding", verbose_name="整改案件",
    )

    class Meta:
        verbose_name = "检查发现"
        verbose_name_plural = "检查发现"
        ordering = ["audit", "id"]

    def __str__(self):
        return f"{self.item.title}：{self.description[:30]}"

    @property
    def person_list(self):
        import re

        return [name for name in re.split(r"[、,，;；\s]+", self.persons) if name]

    @property
    def is_rectified(self):
        return bool(self.case_id and self.case.handled_at)


class FindingPhoto(models.Model):
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(
        "照片", upload_to="quality/findings/%Y/%m/", storage=PrivateStorage()
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "现场照片"
        verbose_name_plural = "现场照片"

    def __str__(self):
        return self.image.name.rsplit("/", 1)[-1]


class IndicatorScore(models.Model):
    """The computed score of one first-level indicator in one audit, kept for trends."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(ChecklistIndicator, on_delete=models.PROTECT, related_name="+")
    name = models.CharField("一级指标", max_length=50)
    points = models.DecimalField("分值", max_digits=5, decimal_places=1)
    deducted = models.DecimalField("扣分", max_digits=6, decimal_places=2)
    score = models.DecimalField("得分", max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = "指标得分"
        verbose_name_plural = "指标得分"
        ordering = ["audit", "indicator__sort_order", "id"]

    def __str__(self):
        return f"{self.name} {self.score}"


# Satisfaction surveys ---------------------------------------------------------


class Questionnaire(ClusterableModel):
    """满意度调查问卷: one version; published versions are frozen like checklists."""

    title = models.CharField("问卷名称", max_length=100)
    version = models.PositiveIntegerField("版本", default=1)
    status = models.CharField(
        "状态", max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    intro = models.TextField("开头语", blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    panels = [
        FieldRowPanel([FieldPanel("title"), FieldPanel("version", read_only=True)]),
        FieldPanel("intro"),
        InlinePanel("questions", heading="题目", label="题目", min_num=1),
    ]

    class Meta:
        verbose_name = "调查问卷"
        verbose_name_plural = "调查问卷"
        ordering = ["title", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["title", "version"], name="questionnaire_version_unique")
        ]

    def __str__(self):
        return f"{self.title}（第{self.version}版·{self.get_status_display()}）"


class Question(Orderable):
    class Kind(models.TextChoices):
        SINGLE = "single", "单选"
        MULTIPLE = "multiple", "多选"
        SCORE = "score", "1–5分评分"
        TEXT = "text", "简答"

    questionnaire = ParentalKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField("题目", max_length=200)
    kind = models.CharField("题型", max_length=10, choices=Kind.choices)
    options = models.TextField(
        "选项", blank=True,
        help_text="单选、多选题每行一个选项，可写分值，如：很满意=5",
    )
    required = models.BooleanField("必答", default=True)

    panels = [
        FieldRowPanel([FieldPanel("text"), FieldPanel("kind"), FieldPanel("required")]),
        FieldPanel("options"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "题目"
        verbose_name_plural = "题目"

    def __str__(self):
        return self.text

    def parsed_options(self):
        """[(label, score or None)] from the lines of the options box."""
        parsed = []
        for line in self.options.splitlines():
            line = line.strip()
            if not line:
                continue
            label, _, score = line.replace("＝", "=").partition("=")
            score = score.strip()
            parsed.append((label.strip(), Decimal(score) if score else None))
        return parsed

    def clean(self):
        super().clean()
        if self.kind in (self.Kind.SINGLE, self.Kind.MULTIPLE):
            try:
                options = self.parsed_options()
            except ArithmeticError:
                raise ValidationError({"options": "分值须为数字，如：很满意=5"}) from None
            if len(options) < 2:
                raise ValidationError({"options": "选择题至少需要两个选项，每行一个。"})

    @property
    def is_scored(self):
        if self.kind == self.Kind.SCORE:
            return True
        return any(score is not None for _, score in self.parsed_options())


class Survey(models.Model):
    """满意度调查: one questionnaire version sent to a sample of one estate for a period."""

    class Sampling(models.TextChoices):
        ALL = "all", "全部业户"
        PROPORTION = "proportion", "按楼栋比例抽样"
        CHOSEN = "chosen", "指定业户"

    title = models.CharField("调查名称", max_length=100)
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="surveys", verbose_name="问卷版本"
    )
    estate = models.ForeignKey(
        "archives.Estate", on_delete=models.PROTECT, related_name="surveys", verbose_name="小区"
    )
    opens_on = models.DateField("开始日期")
    closes_on = models.DateField("截止日期")
    sampling = models.CharField("抽样方式", max_length=12, choices=Sampling.choices)
    proportion = models.PositiveSmallIntegerField(
        "抽样比例（%）", null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "满意度调查"
        verbose_name_plural = "满意度调查"
        ordering = ["-opens_on", "-id"]
        permissions = [("enter_survey_answer", "代录调查答卷（电话、上门）")]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": "截止日期不能早于开始日期。"})
        if self.sampling == self.Sampling.PROPORTION and not self.proportion:
            raise ValidationError({"proportion": "按比例抽样须填写抽样比例。"})


class SurveyInvitation(models.Model):
    """One sampled household with its personal link (no login, expires, one answer)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    household = models.ForeignKey(
        "archives.HouseholdArchive", on_delete=models.PROTECT, related_name="survey_invitations"
    )
    token = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField("链接有效期至")

    class Meta:
        verbose_name = "调查样本"
        verbose_name_plural = "调查样本"
        constraints = [
            models.UniqueConstraint(fields=["survey", "household"], name="one_invitation_per_household")
        ]

    def __str__(self):
        return f"{self.survey} · {self.household}"


class SurveyResponse(models.Model):
    """The household's one answer sheet (答卷)."""

    class Channel(models.TextChoices):
        LINK = "link", "业户扫码/链接填写"
        PHONE = "phone", "电话代录"
        VISIT = "visit", "上门代录"

    invitation = models.OneToOneField(
        SurveyInvitation, on_delete=models.PROTECT, related_name="response"
    )
    channel = models.CharField("方式", max_length=8, choices=Channel.choices)
    entered_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="代录人",
    )
    submitted_at = models.DateTimeField("提交时间", default=timezone.now)
    score = models.DecimalField("综合得分", max_digits=4, decimal_places=2, null=True)

    class Meta:
        verbose_name = "调查答卷"
        verbose_name_plural = "调查答卷"

    def __str__(self):
        return f"{self.invitation} 答卷"


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    choices = models.JSONField(default=list, blank=True)
    text = models.TextField(blank=True)
    score = models.DecimalField(max_digits=4, decimal_places=2, null=True)

    def __str__(self):
        return str(self.question)


# Care -------------------------------------------------------------------------


class HouseholdCareInfo(models.Model):
    """Dates the care lists need beside the archive: the end of the house warranty."""

    household = models.OneToOneField(
        "archives.HouseholdArchive", on_delete=models.PROTECT, related_name="care_info",
        verbose_name="业户",
    )
    warranty_ends_on = models.DateField("房屋保修期至", null=True, blank=True)

    class Meta:
        verbose_name = "房屋保修期"
        verbose_name_plural = "房屋保修期"

    def __str__(self):
        return f"{self.household} 保修期至 {self.warranty_ends_on}"


class Birthday(models.Model):
    """A birthday to greet: an owner or a family member (owners' birthdays are also
    read from their mainland identity numbers)."""

    household = models.ForeignKey(
        "archives.HouseholdArchive", on_delete=models.PROTECT, related_name="birthdays",
        verbose_name="业户",
    )
    name = models.CharField("姓名", max_length=50)
    relation = models.CharField("身份", max_length=20, default="家庭成员")
    birthday = models.DateField("出生日期")
    month = models.PositiveSmallIntegerField(editable=False)
    day = models.PositiveSmallIntegerField(editable=False)

    class Meta:
        verbose_name = "生日"
        verbose_name_plural = "生日"
        indexes = [models.Index(fields=["month", "day"])]

    def __str__(self):
        # Titles, breadcrumbs and the history log print this: no family member's name.
        return f"{self.relation}生日 #{self.pk}"

    def save(self, *args, **kwargs):
        self.month, self.day = self.birthday.month, self.birthday.day
        super().save(*args, **kwargs)


class Occasion(models.TextChoices):
    BIRTHDAY = "birthday", "生日祝福"
    HOLIDAY = "holiday", "节日问候"
    WELCOME = "welcome", "入住欢迎"
    WARRANTY = "warranty", "保修期到期提醒"
    HAPPY_EVENT = "happy_event", "喜事祝贺"
    GENERAL = "general", "一般通知"


class MessageTemplate(models.Model):
    """关怀短信模板: the text per occasion; {称呼} {小区} {房号} {节日} are filled in."""

    occasion = models.CharField("场合", max_length=12, choices=Occasion.choices, unique=True)
    text = models.TextField("短信内容")

    class Meta:
        verbose_name = "关怀短信模板"
        verbose_name_plural = "关怀短信模板"

    def __str__(self):
        return self.get_occasion_display()


class OutboxMessage(models.Model):
    """发件箱: one message to one recipient, with what happened to it."""

    class Status(models.TextChoices):
        QUEUED = "queued", "待发送"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"
        REFUSED = "refused", "未发送（谢绝打扰）"

    household = models.ForeignKey(
        "archives.HouseholdArchive", on_delete=models.PROTECT, related_name="outbox",
        verbose_name="业户",
    )
    occasion = models.CharField("场合", max_length=12, choices=Occasion.choices)
    recipient = models.CharField("收件人", max_length=50)
    phone = models.CharField("手机号", max_length=30, blank=True)
    text = models.TextField("内容")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED)
    error = models.CharField("失败原因", max_length=300, blank=True)
    backend = models.CharField("发送通道", max_length=100, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", default=timezone.now, db_index=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "发件箱"
        verbose_name_plural = "发件箱"
        ordering = ["-created_at", "-id"]
        default_permissions = ("view", "add")

    def __str__(self):
        # Titles, breadcrumbs and logs print this: no owner's name (绝密) in it.
        return f"短信 #{self.pk} {self.get_status_display()}"


class CarePlan(models.Model):
    """关怀计划 for a household scoring 3–4: actions, owner, due date and result."""

    class Status(models.TextChoices):
        OPEN = "open", "进行中"
        DONE = "done", "已完成"

    household = models.ForeignKey(
        "archives.HouseholdArchive", on_delete=models.PROTECT, related_name="quality_care_plans",
        verbose_name="业户",
    )
    response = models.OneToOneField(
        SurveyResponse, on_delete=models.PROTECT, null=True, blank=True, related_name="care_plan"
    )
    score = models.DecimalField("满意度", max_digits=4, decimal_places=2, null=True)
    actions = models.TextField("关怀措施")
    owner = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="care_plans",
        verbose_name="负责人",
    )
    due_on = models.DateField("完成期限")
    result = models.TextField("结果", blank=True)
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    done_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "关怀计划"
        verbose_name_plural = "关怀计划"
        ordering = ["due_on", "id"]
        permissions = [("view_care_lists", "查看全部业户的关怀名单（仅地址与称呼）")]

    def __str__(self):
        return f"{self.household.title} 关怀计划"

    @property
    def is_overdue(self):
        return self.status == self.Status.OPEN and self.due_on < timezone.localdate()


# Relationship plan ------------------------------------------------------------


class OwnerStage(models.TextChoices):
    NOT_MOVED_IN = "not_moved_in", "未入住"
    NEW = "new", "新业主"
    BREAK_IN = "break_in", "磨合期"
    STABLE = "stable", "稳定期"
    VETERAN = "veteran", "老业主"


MONTHS = range(1, 13)


class RelationshipPlan(ClusterableModel):
    """客户关系建设计划: one estate's yearly plan, by owner stage."""

    estate = models.ForeignKey(
        "archives.Estate", on_delete=models.PROTECT, related_name="relationship_plans",
        verbose_name="小区",
    )
    year = models.PositiveSmallIntegerField("年度")

    panels = [
        FieldRowPanel([FieldPanel("estate"), FieldPanel("year")]),
        InlinePanel("actions", heading="行动计划", label="行动"),
    ]

    class Meta:
        verbose_name = "客户关系建设计划"
        verbose_name_plural = "客户关系建设计划"
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["estate", "year"], name="one_relationship_plan_a_year")
        ]

    def __str__(self):
        return f"{self.estate.title} {self.year}年客户关系建设计划"


class RelationshipAction(Orderable):
    plan = ParentalKey(RelationshipPlan, on_delete=models.CASCADE, related_name="actions")
    stage = models.CharField("业主阶段", max_length=14, choices=OwnerStage.choices)
    strategy = models.CharField("提升策略", max_length=200)
    action = models.TextField("行动计划")
    department = models.CharField("负责部门", max_length=50)
    measure = models.CharField("成效衡量", max_length=100)

    class Meta(Orderable.Meta):
        verbose_name = "行动"
        verbose_name_plural = "行动"

    def __str__(self):
        return f"{self.get_stage_display()}·{self.strategy}"

    @property
    def months(self):
        return [m for m in MONTHS if getattr(self, f"m{m}")]


for _month in MONTHS:
    RelationshipAction.add_to_class(f"m{_month}", models.BooleanField(f"{_month}月", default=False))

RelationshipAction.panels = [
    FieldRowPanel([FieldPanel("stage"), FieldPanel("department"), FieldPanel("measure")]),
    FieldPanel("strategy"),
    FieldPanel("action"),
    MultiFieldPanel(
        [FieldRowPanel([FieldPanel(f"m{m}") for m in MONTHS])], heading="实施月份"
    ),
]


class ActionProgress(models.Model):
    class State(models.TextChoices):
        DONE = "done", "已完成"
        PARTLY = "partly", "部分完成"
        NOT_DONE = "not_done", "未完成"

    action = models.ForeignKey(RelationshipAction, on_delete=models.CASCADE, related_name="progress")
    month = models.PositiveSmallIntegerField(
        "月份", validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    state = models.CharField("完成情况", max_length=10, choices=State.choices)
    note = models.CharField("说明", max_length=300, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "月度进展"
        verbose_name_plural = "月度进展"
        constraints = [
            models.UniqueConstraint(fields=["action", "month"], name="one_progress_a_month")
        ]

    def __str__(self):
        return f"{self.month}月 {self.get_state_display()}"


# Interview plans --------------------------------------------------------------


class StaffProfile(models.Model):
    """What planning needs about a staff member: native place (籍贯) and whether they
    head the centre (government and committee contacts are theirs)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="quality_profile")
    native_place = models.CharField("籍贯", max_length=50, blank=True)
    is_centre_head = models.BooleanField("服务中心负责人", default=False)

    class Meta:
        verbose_name = "员工籍贯"
        verbose_name_plural = "员工籍贯"

    def __str__(self):
        return f"{self.user} {self.native_place}"


class InterviewPlan(models.Model):
    """顾客访谈计划: drafted and submitted by the service head, approved by the manager."""

    class Kind(models.TextChoices):
        ANNUAL = "annual", "年度计划"
        MONTHLY = "monthly", "月度计划"

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "待审批"
        APPROVED = "approved", "已批准"
        RETURNED = "returned", "已退回"

    estate = models.ForeignKey(
        "archives.Estate", on_delete=models.PROTECT, related_name="interview_plans",
        verbose_name="小区",
    )
    kind = models.CharField("计划类型", max_length=8, choices=Kind.choices)
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField(
        "月份", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    scope = models.TextField("访谈范围")
    content = models.TextField("访谈内容")
    preparation = models.TextField("准备工作", blank=True)
    proportion = models.PositiveSmallIntegerField(
        "普通业户抽样比例（%）", default=10, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    drafted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="审批人",
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_note = models.CharField("审批意见", max_length=300, blank=True)

    class Meta:
        verbose_name = "顾客访谈计划"
        verbose_name_plural = "顾客访谈计划"
        ordering = ["-year", "-month", "-id"]
        permissions = [("approve_interviewplan", "审批顾客访谈计划")]

    def __str__(self):
        period = f"{self.year}年{self.month}月" if self.month else f"{self.year}年度"
        return f"{self.estate.title} {period}顾客访谈计划"

    def clean(self):
        super().clean()
        if self.kind == self.Kind.MONTHLY and not self.month:
            raise ValidationError({"month": "月度计划须填写月份。"})


class InterviewAssignment(models.Model):
    class Reason(models.TextChoices):
        SAMPLED = "sampled", "按比例抽样"
        IMPORTANT = "important", "重要客户"
        OFFICIAL = "official", "政府及业委会（中心负责人）"

    plan = models.ForeignKey(InterviewPlan, on_delete=models.CASCADE, related_name="assignments")
    household = models.ForeignKey(
        "archives.HouseholdArchive", on_delete=models.PROTECT, related_name="interview_assignments",
        verbose_name="业户",
    )
    interviewer = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="访谈人",
    )
    reason = models.CharField("列入原因", max_length=10, choices=Reason.choices)
    month = models.PositiveSmallIntegerField("计划月份")

    class Meta:
        verbose_name = "访谈对象"
        verbose_name_plural = "访谈对象"
        constraints = [
            models.UniqueConstraint(fields=["plan", "household"], name="household_once_per_plan")
        ]

    def __str__(self):
        return f"{self.plan} · {self.household}"


class InterviewAnalysis(models.Model):
    """The monthly interview analysis, due by the 5th of the following month."""

    estate = models.ForeignKey("archives.Estate", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    text = models.TextField("分析内容")
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField("提交时间", default=timezone.now)

    class Meta:
        verbose_name = "月度访谈分析"
        verbose_name_plural = "月度访谈分析"
        constraints = [
            models.UniqueConstraint(fields=["estate", "year", "month"], name="one_analysis_a_month")
        ]

    def __str__(self):
        return f"{self.year}年{self.month}月访谈分析"
