"""Standard reply scripts (回复口径): agreed wording staff read out on the phone.

A script is a Wagtail snippet with drafts, revisions, locking and the workflow
"部门负责人审批": the database row always holds the approved (live) version and
drafts live in revisions, so everything staff see comes from live rows.
"""

from django import forms
from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.html import strip_tags
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
from rest_framework import serializers
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField
from wagtail.models import DraftStateMixin, LockableMixin, RevisionMixin, WorkflowMixin
from wagtail.search import index


class ReplyTopic(models.Model):
    """A node of the topic tree (收费 → 物业费催缴 …) that scripts are filed under."""

    name = models.CharField("名称", max_length=60)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级主题",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    sort_order = models.PositiveIntegerField("排序", default=0)

    panels = [FieldPanel("name"), FieldPanel("parent"), FieldPanel("sort_order")]

    class Meta:
        verbose_name = "口径主题"
        verbose_name_plural = "口径主题"
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="unique_reply_topic_name"),
        ]

    def __str__(self):
        return self.path

    @property
    def path(self):
        """The topic with its ancestors, 收费 / 物业费催缴."""
        names, node = [], self
        while node is not None and len(names) < 20:
            names.append(node.name)
            node = node.parent
        return " / ".join(reversed(names))

    def descendant_ids(self):
        """This topic and every topic below it."""
        ids, frontier = {self.pk}, [self.pk]
        while frontier:
            frontier = list(
                ReplyTopic.objects.filter(parent_id__in=frontier)
                .exclude(pk__in=ids)
                .values_list("pk", flat=True)
            )
            ids.update(frontier)
        return ids

    def clean(self):
        node = self.parent
        while node is not None:
            if node.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": "上级主题不能是本主题或其下级主题"})
            node = node.parent


class ReplyScriptQuerySet(models.QuerySet):
    def approved(self, on=None):
        """Scripts staff may read: approved (live) and in force on the given day."""
        on = on or timezone.localdate()
        return self.filter(live=True, effective_from__lte=on).filter(
            models.Q(expires_on__isnull=True) | models.Q(expires_on__gte=on)
        )

    def approved_for_topic(self, topic):
        """Approved scripts for a case topic (cases.CaseTopic) or a reply topic and its subtree."""
        approved = self.approved()
        if isinstance(topic, ReplyTopic):
            return approved.filter(topic_id__in=topic.descendant_ids())
        if topic is None:
            return approved.none()
        return approved.filter(case_topics=topic).distinct()


class ReplyScript(
    WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, index.Indexed, ClusterableModel
):
    """One question with the wording every staff member gives in answer to it."""

    question = models.CharField("问题", max_length=200, unique=True)
    answer = RichTextField("标准答复", features=["bold", "ol", "ul", "link"])
    spoken = models.TextField("口语版（电话中可直接读出）", blank=True)
    topic = models.ForeignKey(
        ReplyTopic, verbose_name="主题", on_delete=models.PROTECT, related_name="scripts"
    )
    keywords = models.CharField("关键词", max_length=300, blank=True, help_text="以逗号或空格分隔")
    legal_basis = models.TextField("法规或合同依据", blank=True)
    dos = models.TextField("应当", blank=True)
    donts = models.TextField("禁忌", blank=True)
    case_topics = ParentalManyToManyField(
        "cases.CaseTopic",
        verbose_name="适用案件主题",
        blank=True,
        related_name="reply_scripts",
        help_text="案件页面按案件主题推荐这些口径",
    )
    effective_from = models.DateField("生效日期", default=timezone.localdate)
    expires_on = models.DateField("失效日期", null=True, blank=True)

    workflow_states = GenericRelation(
        "wagtailcore.WorkflowState",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name="reply_script",
        for_concrete_model=False,
    )
    revisions = GenericRelation(
        "wagtailcore.Revision",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name="reply_script",
        for_concrete_model=False,
    )

    objects = ReplyScriptQuerySet.as_manager()

    panels = [
        FieldPanel("question"),
        FieldPanel("topic"),
        FieldPanel("answer"),
        FieldPanel("spoken"),
        FieldPanel("keywords"),
        FieldPanel("case_topics", widget=forms.CheckboxSelectMultiple),
        MultiFieldPanel(
            [FieldPanel("legal_basis"), FieldPanel("dos"), FieldPanel("donts")],
            heading="依据与注意事项",
        ),
        MultiFieldPanel([FieldPanel("effective_from"), FieldPanel("expires_on")], heading="有效期"),
    ]

    # Wagtail's own (database) search is used by the admin listing and as the
    # benchmark baseline; staff search goes through search/ on Elasticsearch.
    search_fields = [
        index.SearchField("question"),
        index.SearchField("answer"),
        index.SearchField("keywords"),
        index.SearchField("spoken"),
        index.FilterField("live"),
    ]

    api_fields = [
        APIField("question"),
        APIField("answer"),
        APIField("spoken"),
        APIField("topic", serializer=serializers.CharField(source="topic.path", read_only=True)),
        APIField("keywords"),
        APIField("legal_basis"),
        APIField("dos"),
        APIField("donts"),
        APIField("effective_from"),
        APIField("expires_on"),
        APIField(
            "approved_at",
            serializer=serializers.DateTimeField(source="last_published_at", read_only=True),
        ),
    ]

    class Meta:
        verbose_name = "回复口径"
        verbose_name_plural = "回复口径"
        ordering = ["topic__sort_order", "question"]

    def __str__(self):
        return self.question

    def clean(self):
        if self.expires_on and self.effective_from and self.expires_on < self.effective_from:
            raise ValidationError({"expires_on": "失效日期不能早于生效日期"})

    @property
    def answer_text(self):
        """The answer without markup, for copying and for the search index."""
        return strip_tags(self.answer.replace("</p>", "</p>\n")).strip()

    @property
    def keyword_list(self):
        return [
            word
            for word in self.keywords.replace("，", ",")
            .replace("、", ",")
            .replace(" ", ",")
            .split(",")
            if word
        ]

    @property
    def approved_at(self):
        return self.last_published_at


class QuizAttempt(models.Model):
    """One run of the familiarity quiz (口径熟悉度测验) by a staff member."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="答题人", on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField("开始时间", default=timezone.now)
    finished_at = models.DateTimeField("交卷时间", null=True, blank=True)
    score = models.PositiveIntegerField("答对题数", default=0)
    total = models.PositiveIntegerField("题数", default=0)

    class Meta:
        verbose_name = "口径测验"
        verbose_name_plural = "口径测验"
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.user} {self.started_at:%Y-%m-%d} {self.score}/{self.total}"


class QuizQuestion(models.Model):
    """A question of a quiz: which answer belongs to this script's question?"""

    attempt = models.ForeignKey(
        QuizAttempt, verbose_name="测验", on_delete=models.CASCADE, related_name="questions"
    )
    script = models.ForeignKey(
        ReplyScript, verbose_name="口径", on_delete=models.PROTECT, related_name="+"
    )
    options = models.JSONField("选项（口径编号）")
    chosen = models.ForeignKey(
        ReplyScript,
        verbose_name="所选答案",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    correct = models.BooleanField("答对", default=False)

    class Meta:
        verbose_name = "测验题"
        verbose_name_plural = "测验题"
        ordering = ["pk"]

    def __str__(self):
        return f"{self.attempt} · {self.script}"
