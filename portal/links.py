"""The owner's personal link to follow their complaint: signed, expiring, one case.

The link carries the case id and the last four digits of the phone it was made for,
signed with the site's secret (django.core.signing); nothing is stored, and a changed
character or an old link is refused.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

SALT = "portal.case-link"


@dataclass(frozen=True)
class OwnerLink:
    url: str
    expires_at: object
    sms_text: str


def _phone_tail(phone):
    digits = "".join(ch for ch in phone if ch.isdigit())
    return digits[-4:]


def owner_link(case):
    """The link and the SMS text for the reporter of ``case``; None without a phone."""
    if not case.reporter_phone or not _phone_tail(case.reporter_phone):
        return None
    token = signing.dumps({"case": case.pk, "tel": _phone_tail(case.reporter_phone)}, salt=SALT)
    url = settings.PORTAL_BASE_URL.rstrip("/") + reverse("portal:case", args=[token])
    days = settings.PORTAL_LINK_DAYS
    expires_at = timezone.now() + timedelta(days=days)
    text = (
        f"【{settings.DOC_TEMPLATES_CENTRE_NAME}】您反映的问题已受理，编号 {case.number}。"
        f"办理进度请点击 {url} 查看（{days} 天内有效，请勿转发）。"
    )
    return OwnerLink(url=url, expires_at=expires_at, sms_text=text)


class LinkRefused(Exception):
    pass


def case_for_token(token):
    """The case a link opens, or LinkRefused with the reason in Chinese."""
    from cases.models import Case

    try:
        data = signing.loads(token, salt=SALT, max_age=timedelta(days=settings.PORTAL_LINK_DAYS))
    except signing.SignatureExpired as error:
        raise LinkRefused("此查询链接已过期，请致电物业服务中心重新获取。") from error
    except signing.BadSignature as error:
        raise LinkRefused("查询链接无效，请核对短信中的链接是否完整。") from error
    case = Case.objects.filter(pk=data.get("case")).select_related("merged_into").first()
    if case is None or _phone_tail(case.reporter_phone) != data.get("tel"):
        raise LinkRefused("查询链接无效，请核对短信中的链接是否完整。")
    return case
