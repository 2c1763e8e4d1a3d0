"""The placeholder values of each kind of notice, taken from a case or a household.

``NoticeOptions`` carries what the manager types on the issue page (basis, required
action, deadline …); everything else comes from the case, its household archive and
the settings.
"""

import dataclasses
import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from doc_templates.filling import deadline_text, format_date, format_date_upper
from doc_templates.kinds import NoticeKind
from doc_templates.texts import CLUTTER_CONSEQUENCES, ORDINALS, tri_party_body

DEFAULT_BASIS = "《管理规约》及《前期物业服务协议》的有关约定"
DEFAULT_CONSEQUENCE = (
    "逾期未整改的，物业服务中心将视情况予以通报，并报请有关行政主管部门依法处理，"
    "由此产生的一切后果及费用由您自行承担。"
)
NUMBER_PENDING = "（签发时生成）"


@dataclasses.dataclass
class NoticeOptions:
    facts: str = ""
    basis: str = ""
    action: str = ""
    deadline_days: int = 7
    working_days: bool = True
    consequence: str = ""
    joint_with_owners_committee: bool = False
    topic: str = ""
    addressee: str = ""
    items: str = ""
    approver: str = ""
    centre: str = ""


def centre_name(options=None):
    return (options and options.centre) or getattr(
        settings, "DOC_TEMPLATES_CENTRE_NAME", "物业服务中心"
    )


def signatory(key):
    names = getattr(settings, "DOC_TEMPLATES_SIGNATORIES", {})
    defaults = {"居委会": "社区居民委员会", "业委会": "业主委员会"}
    return names.get(key, defaults[key])


def person_name(user):
    """Chinese order: family name first (王立新)."""
    if user is None:
        return ""
    return f"{user.last_name}{user.first_name}".strip() or user.get_username()


def local_date(moment):
    if isinstance(moment, dt.datetime):
        return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
    return moment


def local_minute(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


_UPPER_DIGITS = "零壹贰叁肆伍陆柒捌玖"


def _four_digits_upper(number):
    out, pending_zero = "", False
    for unit_index, unit in ((3, "仟"), (2, "佰"), (1, "拾"), (0, "")):
        digit = number // 10**unit_index % 10
        if digit == 0:
            pending_zero = bool(out)
            continue
        if pending_zero:
            out += "零"
            pending_zero = False
        out += _UPPER_DIGITS[digit] + unit
    return out


def amount_upper(amount):
    """Amounts in words for money on forms: 1050.5 → 壹仟零伍拾元伍角整."""
    cents = int((Decimal(amount) * 100).quantize(Decimal(1)))
    yuan, rest = divmod(cents, 100)
    jiao, fen = divmod(rest, 10)
    words, pending_zero = "", False
    groups = [(yuan // 10**8, "亿"), (yuan // 10**4 % 10**4, "万"), (yuan % 10**4, "")]
    for group, unit in groups:
        if group == 0:
            pending_zero = bool(words)
            continue
        if words and (pending_zero or group < 1000):
            words += "零"
        words += _four_digits_upper(group) + unit
        pending_zero = False
    words = (words or "零") + "元"
    if jiao:
        words += _UPPER_DIGITS[jiao] + "角"
    elif fen and yuan:
        words += "零"
    if fen:
        return words + _UPPER_DIGITS[fen] + "分"
    return words + "整"


SENTENCE_ENDINGS = "。！？；…"


def sentence(text):
    """Free text as a full sentence, so the template can continue after it."""
    text = (text or "").strip()
    if text and text[-1] not in SENTENCE_ENDINGS:
        text += "。"
    return text


def household_of(case, household):
    return household or (case.household if case is not None else None)


def address_of(case, household):
    household = household_of(case, household)
    if household is not None:
        return household.address
    return case.location if case is not None else ""


def owner_of(case, household):
    household = household_of(case, household)
    if household is not None and household.owner_names:
        return household.owner_names
    return case.reporter_display if case is not None else ""


def estate_name(case, household):
    household = household_of(case, household)
    return household.estate.title if household is not None else ""


def common_values(number, today, options, case, household):
    return {
        "文号": number,
        "服务中心": centre_name(options),
        "小区名称": estate_name(case, household),
        "签发日期": format_date(today),
        "签发日期大写": format_date_upper(today),
    }


def rectification_values(case, household, options, today):
    period, due = deadline_text(today, options.deadline_days, working_days=options.working_days)
    issuer = centre_name(options)
    if options.joint_with_owners_committee:
        issuer = f"{issuer}    {signatory('业委会')}"
    return {
        "业户姓名": owner_of(case, household),
        "房号": address_of(case, household),
        "发现时间": format_date(local_date(case.received_at)) if case else "",
        "发现地点": (case.location if case else "") or address_of(case, household),
        "违规事实": sentence(options.facts or (case.description if case else "")),
        "依据": options.basis or DEFAULT_BASIS,
        "整改要求": sentence(options.action),
        "期限说明": period,
        "整改期限": format_date(due),
        "后果": sentence(options.consequence) or DEFAULT_CONSEQUENCE,
        "签发单位": issuer,
    }


def tri_party_values(case, household, options, today):
    topic = options.topic or (case.topic.name if case else "")
    title, body = tri_party_body(topic)
    if options.addressee:
        addressee = options.addressee
    elif household_of(case, household) is not None:
        addressee = f"尊敬的{address_of(case, household)}住户"
    else:
        addressee = "尊敬的各位住户"
    return {
        "标题": title,
        # Each line after a break starts with two ideographic spaces, like the first line's indent.
        "正文": body.replace("\n", "\n\u3000\u3000"),
        "致": addressee,
        "房号": address_of(case, household),
        "业户姓名": owner_of(case, household),
        "居委会": signatory("居委会"),
        "业委会": signatory("业委会"),
        "物业服务中心": centre_name(options),
    }


def violation_ticket_values(case, household, options, today, issuer):
    amount = case.amount if case is not None else None
    approver = options.approver or person_name(getattr(case, "signed_by", None) or issuer)
    return {
        "业户姓名": owner_of(case, household),
        "房号": address_of(case, household),
        "发现时间": format_date(local_date(case.received_at)) if case else "",
        "违规事实": options.facts or (case.description if case else ""),
        "依据": options.basis or DEFAULT_BASIS,
        "处理措施": options.action or (case.get_measure_display() if case else ""),
        "金额": f"{amount:.2f}元" if amount is not None else "无",
        "金额大写": amount_upper(amount) if amount is not None else "无",
        "经办人": person_name(getattr(case, "handler", None)),
        "审批人": approver,
    }


def clutter_values(case, household, options, today, ordinal):
    _, due = deadline_text(today, options.deadline_days, working_days=options.working_days)
    return {
        "房号": address_of(case, household),
        "业户姓名": owner_of(case, household),
        "提示次数": ORDINALS[ordinal],
        "堆放位置": (case.location if case else "") or "楼道公共区域",
        "堆放物品": options.items or (case.description if case else ""),
        "清理期限": format_date(due),
        "逾期处理": CLUTTER_CONSEQUENCES[ordinal],
    }


def timeline_text(case):
    lines = []
    for step in case.timeline.select_related("by"):
        who = person_name(step.by)
        line = f"{local_minute(step.at)} {step.action}"
        if who:
            line += f"（{who}）"
        if step.note:
            line += f"：{step.note}"
        lines.append(line)
    return "\n".join(lines) or "暂无处理记录"


def complaint_record_values(case, today):
    return {
        "案件编号": case.number,
        "类别": case.get_complaint_class_display() or str(case.topic),
        "投诉人": case.reporter_display,
        "房号": address_of(case, None),
        "受理时间": local_minute(case.received_at),
        "来源": case.get_channel_display(),
        "投诉内容": case.description,
        "处理经过": timeline_text(case),
        "处理结果": case.result or "处理中",
        "顾客意见": case.customer_opinion or "",
        "经办人": person_name(case.handler),
        "打印日期": format_date(today),
    }


def party_label(party):
    household = party.household
    if household is None:
        return party.name
    return f"{party.name or household.owner_names}（{household.address}）"


def dispute_record_values(case, today):
    parties = "、".join(party_label(party) for party in case.parties.all())
    participants = "、".join(
        f"{p.get_body_display()}{p.name}{('（' + p.role + '）') if p.role else ''}"
        for p in case.participants.all()
    )
    return {
        "案件编号": case.number,
        "纠纷类别": str(case.topic),
        "当事人": parties or case.reporter_display,
        "房号": address_of(case, None),
        "地点": case.location,
        "受理时间": local_minute(case.received_at),
        "纠纷情况": case.description,
        "处理经过": timeline_text(case),
        "参与单位": participants or "无",
        "处理结果": case.outcome or case.result or "调解中",
        "经办人": person_name(case.handler),
        "打印日期": format_date(today),
    }


def notice_values(
    kind, *, number, today, issuer, case=None, household=None, options=None, ordinal=1
):
    """Every placeholder value for one notice of ``kind``."""
    options = options or NoticeOptions()
    values = common_values(number, today, options, case, household)
    if kind == NoticeKind.RECTIFICATION:
        values.update(rectification_values(case, household, options, today))
    elif kind == NoticeKind.TRI_PARTY:
        values.update(tri_party_values(case, household, options, today))
    elif kind == NoticeKind.VIOLATION_TICKET:
        values.update(violation_ticket_values(case, household, options, today, issuer))
    elif kind == NoticeKind.CLUTTER_REMINDER:
        values.update(clutter_values(case, household, options, today, ordinal))
    elif kind == NoticeKind.COMPLAINT_RECORD:
        values.update(complaint_record_values(case, today))
    elif kind == NoticeKind.DISPUTE_RECORD:
        values.update(dispute_record_values(case, today))
    return values
