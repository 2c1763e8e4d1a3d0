from django.db import models


class NumberSequence(models.Model):
    """The last number handed out in one series and year (投诉-2026, 整改通知书-2026 …).

    Case numbers and notice numbers (文号) must be unique and without gaps even
    under concurrent intake, so they come from this row, locked while it is read
    and advanced, inside the caller's transaction: a rolled-back intake gives its
    number back.
    """

    series = models.CharField("编号系列", max_length=50)
    year = models.PositiveIntegerField("年度")
    last_number = models.PositiveIntegerField("已用至", default=0)

    class Meta:
        verbose_name = "编号序列"
        verbose_name_plural = "编号序列"
        constraints = [
            models.UniqueConstraint(fields=["series", "year"], name="unique_series_year"),
        ]

    def __str__(self):
        return f"{self.series}-{self.year}: {self.last_number}"
