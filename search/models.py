from django.db import models

from search.analysis import parse_synonyms


class SynonymGroupQuerySet(models.QuerySet):
    def term_groups(self):
        """Every group as a list of normalised terms, for query expansion."""
        return [terms for terms in (parse_synonyms(g.terms) for g in self) if len(terms) > 1]


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
