"""Making, checking and revoking API tokens; the admin, the command and the API use these."""

import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from wagtail.models import APIToken

from api.models import Scope, TokenTerms

MAX_DAYS = 366
MANAGE_PERMISSION = "wagtailcore.add_apitoken"


def can_manage_tokens(user):
    return bool(user and user.is_active and user.has_perm(MANAGE_PERMISSION))


def create_token(user, name, scopes, days, by=None):
    """A new token for ``user``; returns (token, key). The key is not stored anywhere."""
    if by is not None and not can_manage_tokens(by):
        raise PermissionDenied("只有管理员可以创建接口令牌。")
    scopes = sorted(set(scopes))
    unknown = [scope for scope in scopes if scope not in Scope.values]
    if unknown or not scopes:
        raise ValidationError(
            f"请选择权限范围（{'、'.join(f'{s.value} {s.label}' for s in Scope)}）。"
        )
    if not 1 <= int(days) <= MAX_DAYS:
        raise ValidationError(f"有效期须为 1–{MAX_DAYS} 天。")
    if not name.strip():
        raise ValidationError("请填写令牌用途。")
    with transaction.atomic():
        token, key = APIToken.create_token(user=user, name=name.strip())
        TokenTerms.objects.create(
            token=token,
            scopes=scopes,
            expires_at=timezone.now() + timedelta(days=int(days)),
            created_by=by,
        )
    return token, key


def revoke_token(token, by=None):
    """吊销: the token stops working at once; the row stays for the record."""
    with transaction.atomic():
        token = APIToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoke()
            TokenTerms.objects.filter(token=token).update(revoked_by=by)
    return token


class TokenRefused(Exception):
    def __init__(self, code, message, status=401, retry_after=None):
        super().__init__(message)
        self.code, self.message, self.status, self.retry_after = code, message, status, retry_after


def token_for_key(key):
    """The token a presented key belongs to, or TokenRefused saying why not."""
    token = (
        APIToken.objects.select_related("user", "terms")
        .filter(key_hash__in=APIToken.candidate_key_hashes(key))
        .first()
    )
    if token is None:
        raise TokenRefused("token_invalid", "接口令牌无效。")
    if token.revoked_at is not None:
        raise TokenRefused("token_revoked", "接口令牌已被吊销。")
    terms = getattr(token, "terms", None)
    if terms is None:
        raise TokenRefused(
            "token_without_terms", "此令牌未设定权限范围和有效期，请在后台重新创建。"
        )
    if terms.expires_at <= timezone.now():
        raise TokenRefused("token_expired", "接口令牌已过期，请联系管理员重新申请。")
    if not token.user.is_active:
        raise TokenRefused("user_inactive", "令牌所属账号已停用。")
    return token


# How long a server process may count a token's requests on its own before adding them to
# the token's row. Writing every request would make a call centre's concurrent searches queue
# for that row (on SQLite for the whole database); a second's delay lets the processes of one
# server together pass the limit by at most about a second of requests.
COUNT_FLUSH_SECONDS = 1.0


@dataclass
class _Minute:
    window: object
    pending: int = 0
    known_total: int = 0
    flushed_at: float = float("-inf")


_minutes = {}
_minutes_lock = threading.Lock()


def count_request(token, now=None):
    """Count one request in the token's current minute and record the use (to the
    minute); over the limit raises TokenRefused (429) with the seconds until the next
    minute."""
    now = now or timezone.now()
    window = now.replace(second=0, microsecond=0)
    limit = settings.API_RATE_LIMIT_PER_MINUTE
    with _minutes_lock:
        # Keyed by the key's hash: a token id can come back after a rolled-back test.
        minute = _minutes.get(token.key_hash)
        if minute is None or minute.window != window:
            minute = _minutes[token.key_hash] = _Minute(window)
        if minute.known_total + minute.pending >= limit:
            _refuse_over_limit(now, limit)
        minute.pending += 1
        if time.monotonic() - minute.flushed_at >= COUNT_FLUSH_SECONDS:
            _flush(token, minute)
    if minute.known_total > limit:
        _refuse_over_limit(now, limit)
    # The last use is kept to the minute, for the same reason.
    if token.last_used_at is None or token.last_used_at < window:
        APIToken.objects.filter(pk=token.pk).update(last_used_at=now)


def _flush(token, minute):
    """Adds this process's requests to the token's row and reads back what all processes
    counted this minute."""
    tokens = TokenTerms.objects.filter(token_id=token.pk)
    added = minute.pending
    # Twice: another process may open the new minute between the two updates.
    for _attempt in range(2):
        if tokens.filter(window_start=minute.window).update(window_count=F("window_count") + added):
            break
        if tokens.exclude(window_start=minute.window).update(
            window_start=minute.window, window_count=added
        ):
            break
    minute.known_total = tokens.values_list("window_count", flat=True).first() or added
    minute.pending = 0
    minute.flushed_at = time.monotonic()


def _refuse_over_limit(now, limit):
    retry_after = 60 - now.second
    raise TokenRefused(
        "rate_limited",
        f"请求过于频繁：每个令牌每分钟最多 {limit} 次，请 {retry_after} 秒后再试。",
        status=429,
        retry_after=retry_after,
    )
