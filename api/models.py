"""接口令牌: Wagtail's own API token (kept only as an HMAC digest, shown once) with the
terms this product adds: scopes, an expiry, who made it, and the rate-limit window."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from wagtail.models import APIToken


class Scope(models.TextChoices):
    READ_SCRIPTS = "scripts:read", "查询回复口径"
    REGISTER_CASES = "cases:register", "登记和办理案件"
    READ_CASES = "cases:read", "查看案件与文书"
    ARCHIVES = "archives", "业户档案"


class TokenTerms(models.Model):
    """What one token may do and until when. A Wagtail token without terms is refused."""

    token = models.OneToOneField(
        APIToken, verbose_name="令牌", on_delete=models.CASCADE, related_name="terms"
    )
    scopes = models.JSONField("权限范围", default=list)
    expires_at = models.DateTimeField("有效期至")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="吊销人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The current one-minute window of the rate limit and the requests made in it.
    window_start = models.DateTimeField(null=True, blank=True)
    window_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"
        ordering = ["-token__created"]

    def __str__(self):
        return str(self.token)

    @property
    def state_label(self):
        if self.token.revoked_at:
            return "已吊销"
        if self.expires_at <= timezone.now():
            return "已过期"
        return "有效"

    @property
    def scope_labels(self):
        return "、".join(Scope(scope).label for scope in self.scopes if scope in Scope.values)
