"""The owner's personal link to follow their complaint: signed, expiring, one case.

The link carries the case id and a keyed fingerprint of the phone it was made for
(no digit of the phone: anyone holding the link may read what it carries), signed with
the site's secret (django.core.signing); nothing is stored, and a changed character, a
corrected phone or an old link is refused.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "portal.case-link"


@dataclass(frozen=True)
class OwnerLink:
    url: str
    expires_at: object
    sms_text: str


def _phone_digits(phone):
    return "".join(ch for ch in phone if ch.isdigit())


def _phone_tail(phone):
    return _phone_digits(phone)[-4:]


def _phone_fingerprint(phone):
    """Ties the link to the phone without carrying it: only the site's secret makes it."""
    return salted_hmac(SALT, _phone_digits(phone)).hexdigest()[:20]


def _made_for_phone(tel, phone):
    """Links sent before the fingerprint carried the last four digits; they are still
    honoured until they expire (PORTAL_LINK_DAYS), so no owner's SMS stops working."""
    if not isinstance(tel, str) or not _phone_digits(phone):
        return False
    if constant_time_compare(tel, _phone_fingerprint(phone)):
        return True
    return len(tel) == 4 and constant_time_compare(tel, _phone_tail(phone))


def owner_link(case):
    """The link and the SMS text for the reporter of ``case``; None without a phone."""
    if not case.reporter_phone or not _phone_digits(case.reporter_phone):
        return None
    token = signing.dumps(
        {"case": case.pk, "tel": _phone_fingerprint(case.reporter_phone)}, salt=SALT
    )
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
    if case is None or not _made_for_phone(data.get("tel"), case.reporter_phone):
        raise LinkRefused("查询链接无效，请核对短信中的链接是否完整。")
    return case
