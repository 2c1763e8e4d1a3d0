"""Case files (案件): complaints, neighbour disputes and violations.

One ``Case`` table holds all three kinds, so intake, deadlines, lists and
reports work the same way; the fields of one kind stay blank on the others.
Every case model keeps a full history with django-simple-history (who, when,
change reason); the history is read-only for everyone.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cases import states
from cases.history import ReadOnlyHistory
from cases.querysets import CaseQuerySet
from cases.validators import validate_caller_phone, validate_person_name
from cms.archives.validators import normalized_phone
from core.people import display_name
from core.storage import PrivateStorage

User = settings.AUTH_USER_MODEL


class EditConflict(Exception):
    """Someone else saved the case after this copy was read."""

    def __init__(self, case, current):
        self.case = case
        self.current = current
        who = current.history.first().history_user if current.history.exists() else None
        name = display_name(who) if who else "其他同事"
        at = timezone.localtime(current.updated_at).strftime("%H:%M:%S")
        super().__init__(
            f"保存被拒绝：{name} 已于 {at} 修改了案件 {current.number}。"
            "您填写的内容仍保留在页面上，请核对对方的修改后再保存。"
        )


class CaseTopic(models.Model):
    """An entry of the editable topic list (宠物, 噪音, 违章搭建 …)."""

    name = models.CharField("名称", max_length=30, unique=True)
    sort_order = models.PositiveIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "案件主题"
        verbose_name_plural = "案件主题"
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class CalendarDay(models.Model):
    """A day that differs from the weekday/weekend rule: a holiday on a weekday, or
    a weekend day worked in exchange (调休上班)."""

    date = models.DateField("日期", unique=True)
    is_working_day = models.BooleanField("是否上班", default=False)
    name = models.CharField("说明", max_length=30, help_text="如：春节、国庆节调休上班")

    class Meta:
        verbose_name = "工作日历调整"
        verbose_name_plural = "工作日历调整"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}（{'上班' if self.is_working_day else '放假'}）"


# Root causes (人机料法环) and their sub-causes, for classifying complaints.
ROOT_CAUSE_LABELS = {
    "people": "人",
    "machine": "机",
    "material": "料",
    "method": "法",
    "environment": "环",
}
ROOT_SUB_CAUSES = {
    "people": ["服务态度", "行为规范", "专业技能"],
    "machine": ["设施状况", "设施质量", "设施适用性"],
    "material": ["耐用性", "经济性", "信息准确性"],
    "method": ["工作流程", "服务标准", "工作方法"],
    "environment": ["外部环境"],
}
SUB_CAUSE_CHOICES = [
    (sub, f"{ROOT_CAUSE_LABELS[key]}·{sub}")
    for key, subs in ROOT_SUB_CAUSES.items()
    for sub in subs
]


class Case(models.Model):
    class Kind(models.TextChoices):
        COMPLAINT = "complaint", "投诉"
        DISPUTE = "dispute", "邻里纠纷"
        VIOLATION = "violation", "业户违章"
        RECTIFICATION = "rectify", "督导整改"

    Status = states.Status

    class Channel(models.TextChoices):
        VISIT = "visit", "来访"
        PHONE = "phone", "来电"
        LETTER = "letter", "书信"
        EMAIL = "email", "电子邮件"
        WEB = "web", "网络论坛"
        MEDIA = "media", "媒体"
        FORWARDED = "forwarded", "上级转办"

    class Severity(models.TextChoices):
        GENERAL = "general", "一般"
        MAJOR = "major", "重大"

    class ComplaintClass(models.TextChoices):
        PROPERTY = "1", "一类（物业服务）"
        DEVELOPER = "2", "二类（开发商房屋质量及配套）"
        OUTSIDE = "3", "三类（外部环境及服务区域外设施）"

    class Validity(models.TextChoices):
        UNDETERMINED = "", "待定"
        VALID = "valid", "有效投诉"
        INVALID = "invalid", "无效投诉"

    class RootCause(models.TextChoices):
        PEOPLE = "people", "人"
        MACHINE = "machine", "机"
        MATERIAL = "material", "料"
        METHOD = "method", "法"
        ENVIRONMENT = "environment", "环"

    ROOT_SUB_CAUSES = ROOT_SUB_CAUSES
    SUB_CAUSE_CHOICES = SUB_CAUSE_CHOICES

    class ViolationKind(models.TextChoices):
        DECORATION = "decoration", "装修"
        FIRE = "fire", "消防"
        SANITATION = "sanitation", "环境卫生"
        ORDER = "order", "治安"
        FEES = "fees", "拒交费用"
        OTHER = "other", "其他"

    class Measure(models.TextChoices):
        PERSUADE = "persuade", "即时劝导"
        RECTIFY = "rectify", "限期整改"
        COMPENSATE = "compensate", "赔偿经济损失"
        CRITICISE = "criticise", "通报批评"
        LAWSUIT = "lawsuit", "提起诉讼"

    class VisitExemption(models.TextChoices):
        NONE = "", "需回访"
        SATISFIED_ON_SPOT = "on_spot", "当场解决且满意"
        ANONYMOUS = "anonymous", "匿名或无联系方式"
        SENSITIVE = "sensitive", "敏感投诉"
        GOVERNMENT = "government", "政府部门原因（保持告知）"
        REFUSES = "refuses", "客户拒绝回访"

    number = models.CharField("编号", max_length=30, unique=True, editable=False)
    kind = models.CharField("类别", max_length=12, choices=Kind.choices, db_index=True)
    status = models.CharField(
        "状态", max_length=16, choices=Status.choices, default=Status.ACCEPTED, db_index=True
    )
    channel = models.CharField("来源渠道", max_length=12, choices=Channel.choices)
    received_at = models.DateTimeField("受理时间", default=timezone.now, db_index=True)
    household = models.ForeignKey(
        "archives.HouseholdArchive",
        verbose_name="业户",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    reporter_name = models.CharField("反映人", max_length=50, blank=True)
    anonymous = models.BooleanField("匿名", default=False)
    reporter_phone = models.CharField("联系电话", max_length=30, blank=True)
    location = models.CharField("地点或房号", max_length=100, blank=True)
    topic = models.ForeignKey(
        CaseTopic, verbose_name="主题", on_delete=models.PROTECT, related_name="cases"
    )
    description = models.TextField("内容")
    department = models.CharField("责任部门", max_length=50, blank=True)
    handler = models.ForeignKey(
        User,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="handled_cases",
    )
    created_by = models.ForeignKey(
        User,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registered_cases",
        editable=False,
    )
    related_cases = models.ManyToManyField("self", verbose_name="关联案件", blank=True)
    severity = models.CharField(
        "性质", max_length=8, choices=Severity.choices, default=Severity.GENERAL
    )
    result = models.TextField("处理结果", blank=True)
    customer_opinion = models.TextField("客户意见", blank=True)

    # Deadline clocks (set at intake from the working calendar).
    response_due_at = models.DateTimeField("答复时限", null=True, blank=True, db_index=True)
    resolve_due_at = models.DateTimeField("解决时限", null=True, blank=True, db_index=True)
    responded_at = models.DateTimeField("首次答复时间", null=True, blank=True)
    handled_at = models.DateTimeField("处理完成时间", null=True, blank=True)
    closed_at = models.DateTimeField("结案时间", null=True, blank=True)
    close_reason = models.CharField("结案原因", max_length=200, blank=True)

    # Follow-up visits.
    visit_exemption = models.CharField(
        "免回访原因", max_length=12, choices=VisitExemption.choices, blank=True
    )
    visit_due_at = models.DateTimeField("下次回访时间", null=True, blank=True)

    # Complaints.
    complaint_class = models.CharField(
        "投诉类别", max_length=1, choices=ComplaintClass.choices, blank=True
    )
    forward_record = models.TextField(
        "书面转交开发商记录", blank=True, help_text="二类投诉：转交时间、方式、接收人"
    )
    validity = models.CharField(
        "有效性", max_length=8, choices=Validity.choices, blank=True, default=""
    )
    invalid_explanation = models.TextField(
        "无效投诉解释", blank=True, help_text="向客户作出的解释及依据的规定"
    )
    root_cause = models.CharField("根本原因", max_length=12, choices=RootCause.choices, blank=True)
    root_sub_cause = models.CharField(
        "原因细分", max_length=12, choices=SUB_CAUSE_CHOICES, blank=True
    )
    people_count = models.PositiveIntegerField("涉及人数", default=1)
    times_count = models.PositiveIntegerField("反映次数", default=1)
    impact_note = models.TextField("影响说明", blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name="已合并至",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_cases",
        editable=False,
    )

    # Disputes.
    outcome = models.TextField("调解结果", blank=True)

    # Violations.
    violation_kind = models.CharField(
        "违章类型", max_length=12, choices=ViolationKind.choices, blank=True
    )
    measure = models.CharField("处理措施", max_length=12, choices=Measure.choices, blank=True)
    rectify_deadline = models.DateField("整改期限", null=True, blank=True)
    amount = models.DecimalField(
        "金额（元）", max_digits=10, decimal_places=2, null=True, blank=True
    )
    penalty_by = models.ForeignKey(
        User,
        verbose_name="处罚决定人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    signed_by = models.ForeignKey(
        User,
        verbose_name="签批人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    signed_at = models.DateTimeField("签批时间", null=True, blank=True, editable=False)

    version = models.PositiveIntegerField("版本", default=1)
    updated_at = models.DateTimeField("最后修改", auto_now=True)

    history = HistoricalRecords(
        excluded_fields=["updated_at", "version"],
        m2m_fields=[related_cases],
        bases=[ReadOnlyHistory],
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = "案件"
        verbose_name_plural = "案件"
        ordering = ["-received_at"]
        permissions = [
            ("view_all_cases", "查看全部案件"),
            ("handle_major_case", "处理重大案件"),
            ("impose_penalty", "作出处罚决定"),
            ("sign_decision", "签批处理决定"),
            ("dispose_case", "确认案卷销毁"),
        ]
        indexes = [
            models.Index(fields=["kind", "received_at"]),
            # The case list filtered by status and kind, newest first, and its count.
            models.Index(fields=["status", "kind", "received_at"], name="case_status_kind_idx"),
            # A save counted into its month: does another complaint of the month share
            # the customer and topic (the counting rules)?
            models.Index(
                fields=["topic", "reporter_name", "received_at"], name="case_counting_key_idx"
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.topic}"

    def save(self, *args, **kwargs):
        """Optimistic locking: a copy read before someone else's save is refused."""
        if self._state.adding:
            return super().save(*args, **kwargs)
        with transaction.atomic():
            updated = Case.objects.filter(pk=self.pk, version=self.version).update(
                version=F("version") + 1
            )
            if not updated:
                raise EditConflict(self, Case.objects.get(pk=self.pk))
            self.version += 1
            super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if self.kind == self.Kind.COMPLAINT:
            errors.update(self._complaint_errors())
        if self.kind == self.Kind.VIOLATION and self.pk is None and not self.violation_kind:
            errors["violation_kind"] = "请选择违章类型。"
        if not self.anonymous and not (self.reporter_name or self.household_id):
            errors["reporter_name"] = "请填写反映人，或选择业户，或勾选匿名。"
        # Kept as the card writes it, so a caller's number is found on the card.
        self.reporter_phone = normalized_phone(self.reporter_phone)
        errors.update(caller_errors(self.reporter_name, self.reporter_phone))
        if errors:
            raise ValidationError(errors)

    SERIES = {
        Kind.COMPLAINT: "投诉",
        Kind.DISPUTE: "纠纷",
        Kind.VIOLATION: "违章",
        Kind.RECTIFICATION: "督导整改",
    }

    @property
    def series(self):
        return self.SERIES[self.kind]

    @property
    def is_open(self):
        return self.status in states.OPEN

    @property
    def is_reported_by_a_caller(self):
        """Complaints and disputes are written down as the caller told them; violations
        and supervision findings are the centre's own account."""
        return self.kind in (self.Kind.COMPLAINT, self.Kind.DISPUTE)

    @property
    def result_for_owner(self):
        """The result as the owner may read it: not while it is being reworked."""
        return self.result if self.status != states.Status.IN_PROGRESS else ""

    @property
    def reporter_display(self):
        if self.anonymous:
            return "匿名"
        if self.reporter_name:
            return self.reporter_name
        if self.household_id:
            # The address only: owner names are archive data, read under the archive policy.
            return f"{self.household.address} 业户"
        return ""

    def needs_visit(self):
        """Complaints get a follow-up visit unless exempt or the archive says 'do not visit'."""
        if self.kind != self.Kind.COMPLAINT or self.visit_exemption or self.anonymous:
            return False
        return not household_refuses_visits(self.household)

    def _complaint_errors(self):
        errors = {}
        if self.validity == self.Validity.INVALID and not self.invalid_explanation.strip():
            errors["invalid_explanation"] = "无效投诉必须填写向客户作出的解释。"
        forwarded_by_now = self.status in states.FORWARDED_BY_NOW
        if (
            self.complaint_class == self.ComplaintClass.DEVELOPER
            and forwarded_by_now
            and not self.forward_record.strip()
        ):
            errors["forward_record"] = "二类投诉须记录书面转交开发商的情况。"
        if self.root_sub_cause and self.root_sub_cause not in ROOT_SUB_CAUSES.get(
            self.root_cause, []
        ):
            errors["root_sub_cause"] = "原因细分与根本原因不一致。"
        return errors


def caller_errors(name, phone):
    errors = {}
    for field, check, value in (
        ("reporter_name", validate_person_name, name),
        ("reporter_phone", validate_caller_phone, phone),
    ):
        try:
            check(value)
        except ValidationError as error:
            errors[field] = error.messages
    return errors


def household_refuses_visits(household):
    """The archive's do-not-visit flag, when the archives app offers one."""
    if household is None:
        return False
    return bool(getattr(household, "do_not_visit", False))


class TimelineStep(models.Model):
    """One handling step (受理, 转办, 协调会, 回复 …): action, by whom, when, note."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="timeline")
    action = models.CharField("动作", max_length=50)
    by = models.ForeignKey(
        User, verbose_name="经办人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("时间", default=timezone.now)
    note = models.TextField("说明", blank=True)
    history = HistoricalRecords(bases=[ReadOnlyHistory])

    class Meta:
        verbose_name = "处理过程"
        verbose_name_plural = "处理过程"
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M} {self.action}"


class Evidence(models.Model):
    """Photos and other evidence; kept in private storage, not served directly."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField("文件", upload_to="evidence/%Y/%m/", storage=PrivateStorage("cases"))
    caption = models.CharField("说明", max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        User, verbose_name="上传人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    history = HistoricalRecords(bases=[ReadOnlyHistory])

    class Meta:
        verbose_name = "证据材料"
        verbose_name_plural = "证据材料"

    def __str__(self):
        return self.caption or self.file.name


class FollowUpVisit(models.Model):
    """A follow-up visit (回访) after the fix is verified."""

    class Method(models.TextChoices):
        PHONE = "phone", "电话"
        VISIT = "visit", "上门"
        WEB = "web", "网上回复"
        SURVEY = "survey", "问卷"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="visits")
    visited_at = models.DateTimeField("回访时间", default=timezone.now)
    by = models.ForeignKey(
        User, verbose_name="回访人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    method = models.CharField("方式", max_length=8, choices=Method.choices)
    quality = models.CharField("服务质量", max_length=100, blank=True)
    effect = models.CharField("处理效果", max_length=100, blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        "满意度", choices=[(i, f"{i} 分") for i in range(1, 6)]
    )
    shortcomings = models.TextField("不足之处", blank=True)
    suggestions = models.TextField("建议", blank=True)
    history = HistoricalRecords(bases=[ReadOnlyHistory])

    SATISFIED_FROM = 4

    class Meta:
        verbose_name = "回访记录"
        verbose_name_plural = "回访记录"
        ordering = ["visited_at"]

    def __str__(self):
        when = timezone.localtime(self.visited_at)
        return f"{when:%Y-%m-%d} {self.get_method_display()} {self.satisfaction} 分"

    @property
    def satisfied(self):
        return self.satisfaction >= self.SATISFIED_FROM


class DisputeParty(models.Model):
    """A party to a neighbour dispute: a household, or a named person."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    household = models.ForeignKey(
        "archives.HouseholdArchive",
        verbose_name="业户",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField("当事人", max_length=50, blank=True)
    position = models.CharField("诉求", max_length=200, blank=True)
    history = HistoricalRecords(bases=[ReadOnlyHistory])

    class Meta:
        verbose_name = "纠纷当事方"
        verbose_name_plural = "纠纷当事方"

    def __str__(self):
        return self.name or str(self.household)


class DisputeParticipant(models.Model):
    """Someone from the residents' or owners' committee who took part."""

    class Body(models.TextChoices):
        RESIDENTS = "residents", "居委会"
        WORKSTATION = "workstation", "社区工作站"
        OWNERS = "owners", "业委会"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="participants")
    body = models.CharField("单位", max_length=12, choices=Body.choices)
    name = models.CharField("姓名", max_length=50)
    role = models.CharField("职务", max_length=50, blank=True)
    history = HistoricalRecords(bases=[ReadOnlyHistory])

    class Meta:
        verbose_name = "参与协调人员"
        verbose_name_plural = "参与协调人员"

    def __str__(self):
        return f"{self.get_body_display()} {self.name}"


class WarmReminder(models.Model):
    """A posted warm reminder (温馨提示) in a clutter case, counted 1st–3rd."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reminders")
    ordinal = models.PositiveSmallIntegerField("次数")
    posted_at = models.DateTimeField("张贴时间", default=timezone.now)
    by = models.ForeignKey(
        User, verbose_name="张贴人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords(bases=[ReadOnlyHistory])

    class Meta:
        verbose_name = "温馨提示"
        verbose_name_plural = "温馨提示"
        ordering = ["ordinal"]
        constraints = [
            models.UniqueConstraint(fields=["case", "ordinal"], name="unique_reminder_ordinal")
        ]

    def __str__(self):
        return f"第{self.ordinal}次温馨提示"


class RemovedItem(models.Model):
    """An item removed after three unanswered reminders: numbered, stored, reclaimed."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="removed_items")
    item_number = models.PositiveIntegerField("物品编号")
    description = models.CharField("物品", max_length=100)
    stored_at = models.CharField("存放地点", max_length=100)
    removed_at = models.DateTimeField("清理时间", default=timezone.now)
    reclaimed_by = models.CharField("认领签名", max_length=50, blank=True)
    reclaimed_at = models.DateTimeField("认领时间", null=True, blank=True)
    history = HistoricalRecords(bases=[ReadOnlyHistory])

    class Meta:
        verbose_name = "清理物品"
        verbose_name_plural = "清理物品"
        ordering = ["item_number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "item_number"], name="unique_removed_item")
        ]

    def __str__(self):
        return f"{self.item_number:03d} {self.description}"


class MajorCaseEntry(models.Model):
    """The register of major complaints (重大投诉卷宗): each major case as its own volume."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="major_entry")
    registered_at = models.DateTimeField("立卷时间", default=timezone.now)
    registered_by = models.ForeignKey(
        User, verbose_name="立卷人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_to = models.CharField("已报告", max_length=200, blank=True)
    history = HistoricalRecords(bases=[ReadOnlyHistory])

    class Meta:
        verbose_name = "重大投诉卷宗"
        verbose_name_plural = "重大投诉卷宗"
        ordering = ["-registered_at"]

    def __str__(self):
        return f"卷宗 {self.case.number}"


class ManagerNotice(models.Model):
    """An admin notification to a manager (major cases), shown on the dashboard."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="manager_notices")
    user = models.ForeignKey(
        User, verbose_name="接收人", on_delete=models.CASCADE, related_name="+"
    )
    message = models.CharField("内容", max_length=200)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "经理提醒"
        verbose_name_plural = "经理提醒"
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="unique_case_notice")]

    def __str__(self):
        return self.message


class Tombstone(models.Model):
    """What remains of a disposed violation file: number, dates, who disposed, when."""

    number = models.CharField("编号", max_length=30, unique=True)
    kind = models.CharField("类别", max_length=12, choices=Case.Kind.choices)
    severity = models.CharField("性质", max_length=8, choices=Case.Severity.choices)
    received_at = models.DateTimeField("受理时间")
    closed_at = models.DateTimeField("结案时间")
    retention_until = models.DateField("保管期限至")
    disposed_by = models.ForeignKey(
        User, verbose_name="销毁确认人", on_delete=models.PROTECT, related_name="+"
    )
    disposed_at = models.DateTimeField("销毁时间", default=timezone.now)

    class Meta:
        verbose_name = "销毁记录"
        verbose_name_plural = "销毁记录"
        ordering = ["-disposed_at"]

    def __str__(self):
        return f"{self.number}（已销毁）"


class MonthSummary(models.Model):
    """The monthly report's figures for one local month, kept so that the 12-month trend
    and a month read before are not counted again over a million cases. The case
    actions count each registration, change, merger or disposal into the kept figures
    of the case's months (``cases.month_changes``) and move them on a generation; a
    write outside the actions forgets the months (``reports.forget_months``). The report
    counts a month without kept figures afresh and keeps what it counted only while the
    generation it began with still stands (a colleague's save during the counting
    makes it count again next time)."""

    month = models.DateField("月份", unique=True)
    generation = models.PositiveIntegerField("变更代次", default=0)
    total = models.PositiveIntegerField("案件数", null=True)
    details = models.JSONField("月度分析", null=True)

    class Meta:
        verbose_name = "月度汇总"
        verbose_name_plural = "月度汇总"

    def __str__(self):
        return f"{self.month:%Y-%m}：{self.total} 件"
