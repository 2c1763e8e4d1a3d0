"""The kinds of notice and the placeholders each template may use.

Placeholder syntax, the one used in every template: ``{{ 名称 }}`` — two curly
braces, a Chinese name, two closing braces; the spaces inside are optional.
A template for a kind may use only the names listed for that kind and must use
its required ones; the template upload checks both.
"""

import re

from django.db import models

PLACEHOLDER = re.compile(r"\{\{\s*([\w\u3400-\u9fff]+)\s*\}\}")


class NoticeKind(models.TextChoices):
    RECTIFICATION = "rectification", "整改通知书"
    TRI_PARTY = "tri_party", "三方温馨提示"
    VIOLATION_TICKET = "violation_ticket", "业户违规处理通知单"
    CLUTTER_REMINDER = "clutter_reminder", "温馨提示（堆物）"
    COMPLAINT_RECORD = "complaint_record", "顾客投诉处理记录表"
    DISPUTE_RECORD = "dispute_record", "邻里纠纷处理记录表"


# The record forms are printed from a case, the others are issued with a number.
RECORD_KINDS = {NoticeKind.COMPLAINT_RECORD, NoticeKind.DISPUTE_RECORD}

# Notices that tell one party to put something right: the issuer names that party.
ADDRESSED_KINDS = {NoticeKind.RECTIFICATION, NoticeKind.VIOLATION_TICKET}

# Short name of each kind in its number (文号 series), e.g. 整改-2026-0001.
NUMBER_SERIES = {
    NoticeKind.RECTIFICATION: "整改",
    NoticeKind.TRI_PARTY: "三方提示",
    NoticeKind.VIOLATION_TICKET: "违规处理",
    NoticeKind.CLUTTER_REMINDER: "温馨提示",
    NoticeKind.COMPLAINT_RECORD: "投诉记录",
    NoticeKind.DISPUTE_RECORD: "纠纷记录",
}

TEMPLATE_FILES = {
    NoticeKind.RECTIFICATION: "rectification.docx",
    NoticeKind.TRI_PARTY: "tri_party.docx",
    NoticeKind.VIOLATION_TICKET: "violation_ticket.docx",
    NoticeKind.CLUTTER_REMINDER: "clutter_reminder.docx",
    NoticeKind.COMPLAINT_RECORD: "complaint_record.docx",
    NoticeKind.DISPUTE_RECORD: "dispute_record.docx",
}

COMMON_OPTIONAL = {"公司名称", "服务中心", "小区名称", "签发日期", "签发日期大写"}

# kind: (required placeholders, optional placeholders)
PLACEHOLDERS = {
    NoticeKind.RECTIFICATION: (
        {"文号", "收件人", "违规事实", "整改要求", "整改期限", "签发单位"},
        {
            "业户姓名",
            "房号",
            "发现时间",
            "发现地点",
            "事实来源",
            "依据",
            "期限说明",
            "后果",
            "签发日期大写",
        },
    ),
    NoticeKind.TRI_PARTY: (
        {"文号", "标题", "正文", "居委会", "业委会", "物业服务中心"},
        {"致", "房号", "业户姓名"},
    ),
    NoticeKind.VIOLATION_TICKET: (
        {"文号", "业户姓名", "房号", "违规事实", "处理措施", "审批人"},
        {"发现时间", "金额", "金额大写", "经办人", "依据"},
    ),
    NoticeKind.CLUTTER_REMINDER: (
        {"文号", "房号", "提示次数", "堆放位置", "清理期限"},
        {"堆放物品", "逾期处理", "业户姓名"},
    ),
    NoticeKind.COMPLAINT_RECORD: (
        {"案件编号", "投诉人", "投诉内容", "处理经过"},
        {"房号", "受理时间", "来源", "处理结果", "顾客意见", "经办人", "打印日期", "类别"},
    ),
    NoticeKind.DISPUTE_RECORD: (
        {"案件编号", "当事人", "纠纷情况", "处理经过"},
        {"房号", "地点", "受理时间", "纠纷类别", "参与单位", "处理结果", "经办人", "打印日期"},
    ),
}


def required_placeholders(kind):
    return PLACEHOLDERS[kind][0]


def allowed_placeholders(kind):
    required, optional = PLACEHOLDERS[kind]
    return required | optional | COMMON_OPTIONAL
