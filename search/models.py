from functools import lru_cache

from django.db import models

from search.analysis import parse_synonyms


class SynonymGroupQuerySet(models.QuerySet):
    def term_groups(self):
        """Every group as a tuple of normalised terms, for query expansion. Read on every
        search, so an admin's edit applies to the next one in every server process; only the
        text is read, and a list is parsed once."""
        return _parsed_groups(tuple(self.values_list("terms", flat=True)))


@lru_cache(maxsize=8)
def _parsed_groups(texts):
    return tuple(tuple(terms) for terms in map(parse_synonyms, texts) if len(terms) > 1)


class SynonymGroup(models.Model):
    """Words that mean the same to a caller (业主、业户、住户、客户), expanded at query time.

    Expansion happens when searching, not when indexing, so an edit here takes
    effect on the next search without reindexing.
    """

    terms = models.CharField(
        "同义词", max_length=300, help_text="用逗号、顿号或空格分隔，例如：业主、业户、住户、客户"
    )
    note = models.CharField("说明", max_length=200, blank=True)

    objects = SynonymGroupQuerySet.as_manager()

    class Meta:
        verbose_name = "检索同义词"
        verbose_name_plural = "检索同义词"

    def __str__(self):
        return self.terms


class PendingIndexOperation(models.Model):
    """An index change that could not reach Elasticsearch, replayed when it is back.

    One row per object: the latest wish (index or delete) wins, because the
    replay reads the object's current state from the database anyway.
    """

    class Action(models.TextChoices):
        INDEX = "index", "写入"
        DELETE = "delete", "删除"

    kind = models.CharField("类别", max_length=20)
    object_id = models.CharField("对象编号", max_length=40)
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    queued_at = models.DateTimeField("排队时间", auto_now=True)
    attempts = models.PositiveIntegerField("尝试次数", default=0)
    last_error = models.TextField("最近错误", blank=True)

    class Meta:
        verbose_name = "待同步索引操作"
        verbose_name_plural = "待同步索引操作"
        ordering = ["queued_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="unique_pending_index_op"),
        ]

    def __str__(self):
        return f"{self.get_action_display()} {self.kind}#{self.object_id}"


class MissedQuery(models.Model):
    """A search that found nothing (未命中查询): the wording still missing from the compilation."""

    query = models.CharField("查询", max_length=100, unique=True)
    count = models.PositiveIntegerField("次数", default=0)
    first_seen = models.DateTimeField("首次出现", auto_now_add=True)
    last_seen = models.DateTimeField("最近出现", auto_now=True)

    class Meta:
        verbose_name = "未命中查询"
        verbose_name_plural = "未命中查询"
        ordering = ["-count", "-last_seen"]

    def __str__(self):
        return self.query


class OpenedHit(models.Model):
    """How often staff opened a hit from the search page: the most-searched scripts of a topic."""

    kind = models.CharField("类别", max_length=20)
    object_id = models.CharField("对象编号", max_length=40)
    topic = models.CharField("主题", max_length=200, blank=True, db_index=True)
    count = models.PositiveIntegerField("打开次数", default=0)

    class Meta:
        verbose_name = "检索结果打开次数"
        verbose_name_plural = "检索结果打开次数"
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="unique_opened_hit"),
        ]

    def __str__(self):
        return f"{self.kind}#{self.object_id} × {self.count}"
