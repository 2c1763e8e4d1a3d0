"""The placeholder values of each kind of notice, taken from a case or a household.

``NoticeOptions`` carries what the manager types on the issue page (basis, required
action, deadline …); everything else comes from the case, its household archive and
the settings.
"""

import dataclasses
import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models as dm
from django.utils import timezone

from core.people import display_name
from doc_templates.filling import deadline, format_date, format_date_upper
from doc_templates.kinds import NoticeKind
from doc_templates.policy import MASKED_NAME, owner_name_for
from doc_templates.texts import CLUTTER_CONSEQUENCES, ORDINALS, tri_party_body

DEFAULT_BASIS = "《管理规约》及《前期物业服务协议》的有关约定"
DEFAULT_CONSEQUENCE = (
    "逾期未整改的，物业服务中心将视情况予以通报，并报请有关行政主管部门依法处理，"
    "由此产生的一切后果及费用由您自行承担。"
)
NUMBER_PENDING = "（签发时生成）"


class FactSource(dm.TextChoices):
    """How the centre learned the facts; the notice's opening sentence says so."""

    PATROL = "patrol", "巡查发现"
    COMPLAINT = "complaint", "接业户投诉"
    REPORT = "report", "接报"


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
    source: str = ""


def centre_name(options=None):
    return (options and options.centre) or getattr(
        settings, "DOC_TEMPLATES_CENTRE_NAME", "物业服务中心"
    )


def company_name():
    return getattr(settings, "DOC_TEMPLATES_COMPANY_NAME", "")


def signatory(key):
    names = getattr(settings, "DOC_TEMPLATES_SIGNATORIES", {})
    defaults = {"居委会": "社区居民委员会", "业委会": "业主委员会"}
    return names.get(key, defaults[key])


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
# Trailing marks a typed sentence may end with that a full stop replaces.
LOOSE_ENDINGS = "，,、.;:：；"


def sentence(text):
    """Free text as one full sentence ending in a single full stop, so the template can
    continue after it (no 。。 when the user already typed one)."""
    text = (text or "").strip().rstrip(LOOSE_ENDINGS).strip()
    while text.endswith("。。"):
        text = text[:-1]
    if text and text[-1] not in SENTENCE_ENDINGS:
        text += "。"
    return text


RULE_ENDINGS = ("规定", "约定", "要求", "规范", "标准")


def basis_phrase(text):
    """The basis as it follows 不符合: 《管理规约》第十二条 → …第十二条的规定, while one
    already ending in 规定/约定 stays as typed (never 约定的规定)."""
    text = (text or "").strip().rstrip("。" + LOOSE_ENDINGS)
    if not text:
        return DEFAULT_BASIS
    return text if text.endswith(RULE_ENDINGS) else f"{text}的规定"


def address_of(case, household):
    if household is not None:
        return household.address
    return case.location if case is not None else ""


def owner_of(household, reader):
    """The owners' names of the notice's household as ``reader`` may see them."""
    return owner_name_for(reader, household)


def addressee_of(household, options, reader):
    """收件人: the owner with the address, only the address for someone who may not read
    the archive, or the party named in free text when no household is on file."""
    if household is None:
        return options.addressee.strip()
    name = owner_name_for(reader, household)
    if name and name != MASKED_NAME:
        return f"{name}（{household.address}）"
    return f"{household.address}业主"


def guess_source(case):
    """Complaints were complained about, disputes reported; violations are found on
    patrol unless someone named reported them."""
    if case is None:
        return FactSource.PATROL
    if case.kind == "complaint":
        return FactSource.COMPLAINT
    if case.kind == "dispute":
        return FactSource.REPORT
    reported = case.channel != "visit" or (case.reporter_name and "巡查" not in case.reporter_name)
    return FactSource.REPORT if reported else FactSource.PATROL


def facts_opening(source, when, where):
    """我中心工作人员于…巡查时发现 / 接业户投诉 / 接报, followed by the facts."""
    at = f"到{where}" if where else ""
    if source == FactSource.COMPLAINT:
        return f"我中心于{when}接业户投诉，经工作人员{at}现场核实"
    if source == FactSource.REPORT:
        return f"我中心于{when}接报，经工作人员{at}现场核实"
    return f"我中心工作人员于{when}在{where or '小区内'}巡查时发现"


def centre_account(case):
    """The case text where it is the centre's own account of what it found; a caller's
    words are never filled into a notice to the other party."""
    if case is None or case.is_reported_by_a_caller:
        return ""
    return case.description


def verified_place(case, household):
    """Where the centre verified the facts. A caller's case holds the place the caller
    gave, often the caller's own room; a notice to the other party names that party's
    address instead, so it never tells the neighbour who complained."""
    if case is not None and case.is_reported_by_a_caller:
        return household.address if household is not None else ""
    return (case.location if case else "") or address_of(case, household)


def estate_name(household):
    return household.estate.title if household is not None else ""


def common_values(number, today, options, case, household):
    return {
        "文号": number,
        "公司名称": company_name(),
        "服务中心": centre_name(options),
        "小区名称": estate_name(household),
        "签发日期": format_date(today),
        "签发日期大写": format_date_upper(today),
    }


def period_text(days, working_days):
    """自签发之日起5个工作日内: the period only, the date is stated beside it once."""
    unit = "个工作日" if working_days else "日"
    return f"自签发之日起{days}{unit}内"


def rectification_values(case, household, options, today, reader):
    due = deadline(today, options.deadline_days, working_days=options.working_days)
    issuer = centre_name(options)
    if options.joint_with_owners_committee:
        issuer = f"{issuer}    {signatory('业委会')}"
    found_on = format_date(local_date(case.received_at)) if case else format_date(today)
    found_at = verified_place(case, household)
    source = options.source or guess_source(case)
    return {
        "收件人": addressee_of(household, options, reader),
        "业户姓名": owner_of(household, reader) or options.addressee.strip(),
        "房号": address_of(case, household),
        "发现时间": found_on,
        "发现地点": found_at,
        "事实来源": facts_opening(source, found_on, found_at),
        "违规事实": sentence(options.facts or centre_account(case)),
        "依据": basis_phrase(options.basis),
        "整改要求": sentence(options.action),
        "期限说明": period_text(options.deadline_days, options.working_days),
        "整改期限": format_date(due),
        "后果": sentence(options.consequence) or DEFAULT_CONSEQUENCE,
        "签发单位": issuer,
    }


def tri_party_values(case, household, options, today, reader):
    topic = options.topic or (case.topic.name if case else "")
    title, body = tri_party_body(topic)
    if options.addressee:
        addressee = options.addressee
    elif household is not None:
        addressee = f"尊敬的{address_of(case, household)}住户"
    else:
        addressee = "尊敬的各位住户"
    return {
        "标题": title,
        # Each line after a break starts with two ideographic spaces, like the first line's indent.
        "正文": body.replace("\n", "\n\u3000\u3000"),
        "致": addressee,
        "房号": address_of(case, household),
        "业户姓名": owner_of(household, reader),
        "居委会": signatory("居委会"),
        "业委会": signatory("业委会"),
        "物业服务中心": centre_name(options),
    }


def violation_ticket_values(case, household, options, today, issuer, reader):
    amount = case.amount if case is not None else None
    approver = options.approver or display_name(getattr(case, "signed_by", None) or issuer)
    return {
        "业户姓名": owner_of(household, reader) or options.addressee.strip(),
        "房号": address_of(case, household),
        "发现时间": format_date(local_date(case.received_at)) if case else "",
        "违规事实": sentence(options.facts or centre_account(case)),
        "依据": (options.basis or DEFAULT_BASIS).strip().rstrip("。"),
        "处理措施": options.action or (case.get_measure_display() if case else ""),
        "金额": f"{amount:.2f}元" if amount is not None else "无",
        "金额大写": amount_upper(amount) if amount is not None else "无",
        "经办人": display_name(getattr(case, "handler", None)),
        "审批人": approver,
    }


def clutter_values(case, household, options, today, ordinal, reader):
    due = deadline(today, options.deadline_days, working_days=options.working_days)
    return {
        "房号": address_of(case, household),
        "业户姓名": owner_of(household, reader),
        "提示次数": ORDINALS[ordinal],
        "堆放位置": (case.location if case else "") or "楼道公共区域",
        "堆放物品": options.items or centre_account(case),
        "清理期限": format_date(due),
        "逾期处理": CLUTTER_CONSEQUENCES[ordinal],
    }


def timeline_text(case):
    lines = []
    for step in case.timeline.select_related("by"):
        who = display_name(step.by)
        line = f"{local_minute(step.at)} {step.action}"
        if who:
            line += f"（{who}）"
        if step.note:
            line += f"：{step.note}"
        lines.append(line)
    return "\n".join(lines) or "暂无处理记录"


def reporter_for(case, reader):
    """The complainant as registered; a caller identified only by the household archive
    is named for readers of that archive and shown by address to anyone else."""
    if case.reporter_name or case.anonymous or not case.household_id:
        return case.reporter_display
    name = owner_name_for(reader, case.household)
    if name and name != MASKED_NAME:
        return f"{name}（{case.household.address}）"
    return f"{case.household.address} 业户"


def complaint_record_values(case, today, reader):
    return {
        "案件编号": case.number,
        "类别": case.get_complaint_class_display() or str(case.topic),
        "投诉人": reporter_for(case, reader),
        "房号": address_of(case, case.household),
        "受理时间": local_minute(case.received_at),
        "来源": case.get_channel_display(),
        "投诉内容": case.description,
        "处理经过": timeline_text(case),
        "处理结果": case.result or "处理中",
        "顾客意见": case.customer_opinion or "",
        "经办人": display_name(case.handler),
        "打印日期": format_date(today),
    }


def party_label(party, reader):
    """A party by name and address; a household party the reader may not read by address."""
    household = party.household
    if household is None:
        return party.name
    name = party.name or owner_name_for(reader, household)
    if not name or name == MASKED_NAME:
        return f"{household.address}业户"
    return f"{name}（{household.address}）"


def dispute_record_values(case, today, reader):
    parties = "、".join(party_label(party, reader) for party in case.parties.all())
    participants = "、".join(
        f"{p.get_body_display()}{p.name}{('（' + p.role + '）') if p.role else ''}"
        for p in case.participants.all()
    )
    return {
        "案件编号": case.number,
        "纠纷类别": str(case.topic),
        "当事人": parties or reporter_for(case, reader),
        "房号": address_of(case, case.household),
        "地点": case.location,
        "受理时间": local_minute(case.received_at),
        "纠纷情况": case.description,
        "处理经过": timeline_text(case),
        "参与单位": participants or "无",
        "处理结果": case.outcome or case.result or "调解中",
        "经办人": display_name(case.handler),
        "打印日期": format_date(today),
    }


def notice_values(
    kind,
    *,
    number,
    today,
    issuer,
    case=None,
    household=None,
    options=None,
    ordinal=1,
    reader=None,
):
    """Every placeholder value for one notice of ``kind``, with owner names as ``reader``
    (by default the issuer) may see them."""
    options = options or NoticeOptions()
    reader = reader or issuer
    values = common_values(number, today, options, case, household)
    if kind == NoticeKind.RECTIFICATION:
        values.update(rectification_values(case, household, options, today, reader))
    elif kind == NoticeKind.TRI_PARTY:
        values.update(tri_party_values(case, household, options, today, reader))
    elif kind == NoticeKind.VIOLATION_TICKET:
        values.update(violation_ticket_values(case, household, options, today, issuer, reader))
    elif kind == NoticeKind.CLUTTER_REMINDER:
        values.update(clutter_values(case, household, options, today, ordinal, reader))
    elif kind == NoticeKind.COMPLAINT_RECORD:
        values.update(complaint_record_values(case, today, reader))
    elif kind == NoticeKind.DISPUTE_RECORD:
        values.update(dispute_record_values(case, today, reader))
    return values


def masked_values(values):
    """The values of an issued notice with the owner's name hidden, for a copy handed to
    someone who may not read the archive."""
    masked = dict(values)
    if masked.get("业户姓名"):
        masked["业户姓名"] = MASKED_NAME
    if "收件人" in masked and masked.get("房号"):
        masked["收件人"] = f"{masked['房号']}业主"
    return masked
