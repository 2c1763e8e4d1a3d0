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
        # The table was made when this model lived in the cms app; it keeps its name.
        db_table = "cms_numbersequence"
        constraints = [
            models.UniqueConstraint(fields=["series", "year"], name="unique_series_year"),
        ]

    def __str__(self):
        return f"{self.series}-{self.year}: {self.last_number}"


class SubmittedForm(models.Model):
    """A form that was already handled, by the token it carried: sending it again (a
    double click, a resend after a timeout or an error page) leads to what the first
    submission made instead of making it twice."""

    token = models.CharField("表单令牌", max_length=64, unique=True)
    result_url = models.CharField("处理结果地址", max_length=300)
    label = models.CharField("处理结果", max_length=200)
    submitted_at = models.DateTimeField("提交时间", auto_now_add=True)

    class Meta:
        verbose_name = "已处理表单"
        verbose_name_plural = "已处理表单"
        db_table = "cms_submittedform"

    def __str__(self):
        return self.label
