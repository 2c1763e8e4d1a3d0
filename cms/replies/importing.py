"""Import of an existing compilation (口径汇编) from Excel, CSV or JSON: every row checked first,
then all rows saved in one transaction, or none."""

import csv
import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.html import escape
from openpyxl import load_workbook

from cases.models import CaseTopic
from cms.replies.actions import publish_script, save_draft, topic_from_path
from cms.replies.models import ReplyScript
from search.indexing import deferred_sync

# Column names in English or Chinese; the first four are required.
COLUMNS = {
    "question": ["question", "问题"],
    "answer": ["answer", "标准答复", "答复"],
    "topic": ["topic", "主题"],
    "keywords": ["keywords", "关键词"],
    "spoken": ["spoken", "口语版"],
    "legal_basis": ["legal_basis", "依据", "法规或合同依据"],
    "dos": ["dos", "应当"],
    "donts": ["donts", "禁忌"],
    "effective_from": ["effective_from", "生效日期"],
    "expires_on": ["expires_on", "失效日期"],
    "case_topics": ["case_topics", "适用案件主题"],
}
REQUIRED = {"question": "问题", "answer": "标准答复", "topic": "主题", "keywords": "关键词"}


class ImportRejected(Exception):
    """The file was refused as a whole; ``errors`` lists every problem, one per row."""

    def __init__(self, errors):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class ParsedRow:
    line: int
    values: dict
    case_topics: list = field(default_factory=list)


def read_rows(path):
    """Rows of the file as dicts keyed by column name, with their line numbers."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        data = json.loads(path.read_text(encoding="utf-8-sig"))
        return [(number, row) for number, row in enumerate(data, 1)]
    if suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return [(number, row) for number, row in enumerate(csv.DictReader(handle), 2)]
    if suffix in (".xlsx", ".xlsm"):
        sheet = load_workbook(path, read_only=True, data_only=True).active
        rows = sheet.iter_rows(values_only=True)
        header = [str(cell or "").strip() for cell in next(rows, [])]
        return [
            (number, dict(zip(header, row, strict=False)))
            for number, row in enumerate(rows, 2)
            if any(cell not in (None, "") for cell in row)
        ]
    raise ImportRejected([f"不支持的文件类型“{suffix}”，请使用 .xlsx、.csv 或 .json"])


def _column(row, name):
    for alias in COLUMNS[name]:
        if alias in row and row[alias] not in (None, ""):
            value = row[alias]
            return value if isinstance(value, dt.date) else str(value).strip()
    return ""


def _date(value, label, errors, line):
    if not value:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).replace("/", "-"))
    except ValueError:
        errors.append(f"第{line}行：{label}“{value}”不是有效日期（格式如 2026-11-25）")
        return None


def check_rows(rows):
    """Validate every row; return parsed rows or raise ImportRejected with all errors."""
    errors, parsed, seen = [], [], {}
    known_case_topics = {topic.name: topic for topic in CaseTopic.objects.all()}
    for line, row in rows:
        values = {name: _column(row, name) for name in COLUMNS}
        for name, label in REQUIRED.items():
            if not values[name]:
                errors.append(f"第{line}行：缺少“{label}”")
        question = values["question"]
        if question and question in seen:
            errors.append(f"第{line}行：问题与第{seen[question]}行重复")
        seen.setdefault(question, line)
        if len(question) > 200:
            errors.append(f"第{line}行：问题超过 200 字")
        values["effective_from"] = _date(values["effective_from"], "生效日期", errors, line)
        values["expires_on"] = _date(values["expires_on"], "失效日期", errors, line)
        if (
            values["effective_from"]
            and values["expires_on"]
            and values["expires_on"] < values["effective_from"]
        ):
            errors.append(f"第{line}行：失效日期不能早于生效日期")
        case_topics = []
        for name in filter(
            None,
            str(values.pop("case_topics") or "").replace("，", "、").replace(",", "、").split("、"),
        ):
            if name.strip() not in known_case_topics:
                errors.append(f"第{line}行：没有名为“{name.strip()}”的案件主题")
            else:
                case_topics.append(known_case_topics[name.strip()])
        parsed.append(ParsedRow(line, values, case_topics))
    if not rows:
        errors.append("文件中没有任何口径")
    if errors:
        raise ImportRejected(errors)
    return parsed


def _answer_html(text):
    if text.lstrip().startswith("<"):
        return text
    return "".join(f"<p>{escape(part)}</p>" for part in text.splitlines() if part.strip())


@deferred_sync()
@transaction.atomic
def import_rows(parsed, by, publish=True, progress=None):
    """Save all checked rows (creating or updating by question). Returns (created, updated).

    The search index gets the saved scripts after commit in one bulk request.
    """
    created = updated = 0
    for row in parsed:
        values = dict(row.values)
        script = ReplyScript.objects.filter(question=values["question"]).first()
        is_new = script is None
        script = script or ReplyScript(question=values["question"])
        script.answer = _answer_html(values["answer"])
        script.topic = topic_from_path(values["topic"])
        for name in ("keywords", "spoken", "legal_basis", "dos", "donts", "expires_on"):
            setattr(script, name, values[name] or ("" if name != "expires_on" else None))
        if values["effective_from"]:
            script.effective_from = values["effective_from"]
        try:
            script.full_clean(exclude=["question"] if not is_new else None)
        except ValidationError as error:
            messages = "；".join(m for ms in error.message_dict.values() for m in ms)
            raise ImportRejected([f"第{row.line}行：{messages}"]) from error
        if is_new:
            script.live = False
            script.save()
        script.case_topics.set(row.case_topics)
        (publish_script if publish else save_draft)(script, by)
        created += is_new
        updated += not is_new
        if progress is not None:
            progress.update(1)
    return created, updated
