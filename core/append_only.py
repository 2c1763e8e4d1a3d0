"""Records written once and kept as written: the access register and deletion attempts of the
archives, issued notices, their PDFs and template versions, the cases' revision history. One
base refuses a change or a delete of such a record, from the instance or from a queryset,
before the database is asked, so the surrounding transaction stays usable."""

from django.db import models


class AppendOnlyError(Exception):
    def __init__(self, message="登记簿只能追加，不能修改或删除。"):
        super().__init__(message)


class AppendOnlyRecord(models.Model):
    """The instance's part: saving again or deleting is refused with the model's own words."""

    refused_change = "该记录只能追加，不能修改。"
    refused_delete = "该记录永久保留，不能删除。"
    refusal = AppendOnlyError

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise self.refusal(self.refused_change)
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise self.refusal(self.refused_delete)


class AppendOnlyQuerySet(models.QuerySet):
    """The queryset's part: ``update()`` and ``delete()`` are refused like the instance's."""

    def update(self, **kwargs):
        raise self.model.refusal(self.model.refused_change)

    def delete(self):
        raise self.model.refusal(self.model.refused_delete)

    update.queryset_only = True
    delete.queryset_only = True


class AppendOnlyModel(AppendOnlyRecord):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True
