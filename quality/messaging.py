"""Care messages (关怀短信) through a pluggable backend, the way Django sends e-mail.

``QUALITY_MESSAGE_BACKEND`` names the backend class: the console (default), a file
backend for tests (``QUALITY_MESSAGE_FILE_PATH``), or the HTTP SMS gateway adapter
(``QUALITY_SMS_GATEWAY_URL``, ``QUALITY_SMS_GATEWAY_TOKEN``). Other apps call
``send_message(household, text, by=…)``; every message lands in the outbox with its
status per recipient and on the household's contact log, and none goes to a household
that refused contact.
"""

import json
import sys
import urllib.request
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from cms.archives.models import ContactLog, HouseholdArchive
from quality.models import MessageTemplate, Occasion, OutboxMessage

DEFAULT_BACKEND = "quality.messaging.ConsoleBackend"


class MessageBackendError(Exception):
    """The backend could not deliver; the message says why, in Chinese."""


class BaseBackend:
    def send(self, phone, text):
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    """Prints each message (development)."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, phone, text):
        self.stream.write(f"[短信] {phone}：{text}\n")


class FileBackend(BaseBackend):
    """Appends each message as one JSON line to a file (tests and audits of delivery)."""

    def __init__(self, path=None):
        self.path = Path(path or getattr(settings, "QUALITY_MESSAGE_FILE_PATH", "var/messages.jsonl"))

    def send(self, phone, text):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps({"phone": phone, "text": text}, ensure_ascii=False) + "\n")


class HttpSmsBackend(BaseBackend):
    """Posts JSON {"phone", "text"} to an SMS gateway with a bearer token."""

    def __init__(self, url=None, token=None, timeout=10):
        self.url = url or getattr(settings, "QUALITY_SMS_GATEWAY_URL", "")
        self.token = token or getattr(settings, "QUALITY_SMS_GATEWAY_TOKEN", "")
        self.timeout = timeout

    def send(self, phone, text):
        if not self.url:
            raise MessageBackendError("未配置短信网关地址（QUALITY_SMS_GATEWAY_URL）。")
        body = json.dumps({"phone": phone, "text": text}, ensure_ascii=False).encode()
        request = urllib.request.Request(
            self.url,
            data=body,
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                if answer.status >= 300:
                    raise MessageBackendError(f"短信网关返回 {answer.status}。")
        except OSError as error:
            raise MessageBackendError(f"短信网关不可用：{error}") from error


def get_backend():
    path = getattr(settings, "QUALITY_MESSAGE_BACKEND", DEFAULT_BACKEND)
    return import_string(path)()


def salutation(owner):
    """王先生 / 李女士 from the owner card; the full name when the gender is unknown."""
    if owner.gender == "male":
        return f"{owner.name[0]}先生"
    if owner.gender == "female":
        return f"{owner.name[0]}女士"
    return owner.name


def render(text, household, owner=None, **extra):
    values = {
        "称呼": salutation(owner) if owner else "业主",
        "小区": household.estate.title,
        "房号": f"{household.building.title}{household.room_label()}",
        **extra,
    }
    for name, value in values.items():
        text = text.replace(f"{{{name}}}", str(value))
    return text


def template_text(occasion):
    template = MessageTemplate.objects.filter(occasion=occasion).first()
    return template.text if template else "{称呼}您好：{小区}物业服务中心向您问好。"


def _recipients(household):
    return [o for o in household.owners.all() if o.is_current and o.phone]


def send_message(household, text=None, *, by, occasion=Occasion.GENERAL, backend=None, **extra):
    """Send ``text`` (or the occasion's template) to each current owner with a phone.
    Returns the outbox rows. Households that refused contact get none: one refused row
    records that the message was held back."""
    household = HouseholdArchive.objects.get(pk=household.pk)
    text = text or template_text(occasion)
    if household.do_not_visit:
        return [
            OutboxMessage.objects.create(
                household=household,
                occasion=occasion,
                recipient=household.room_label(),
                text=render(text, household, **extra),
                status=OutboxMessage.Status.REFUSED,
                error=f"该户谢绝打扰：{household.do_not_visit_reason}",
                created_by=by,
            )
        ]
    backend = backend or get_backend()
    rows = []
    for owner in _recipients(household):
        body = render(text, household, owner, **extra)
        row = OutboxMessage.objects.create(
            household=household,
            occasion=occasion,
            recipient=salutation(owner),
            phone=owner.phone,
            text=body,
            backend=type(backend).__name__,
            created_by=by,
        )
        transaction.on_commit(lambda row=row: _deliver(row, backend))
        rows.append(row)
    return rows


def _deliver(row, backend):
    try:
        backend.send(row.phone, row.text)
    except Exception as error:  # any backend fault is recorded on the row, never lost
        row.status, row.error = OutboxMessage.Status.FAILED, str(error)[:300]
    else:
        row.status, row.sent_at = OutboxMessage.Status.SENT, timezone.now()
    row.save(update_fields=["status", "error", "sent_at"])
    if row.status == OutboxMessage.Status.SENT:
        ContactLog.objects.create(
            household_id=row.household_id,
            contacted_on=timezone.localdate(),
            channel=ContactLog.Channel.OTHER,
            staff_id=row.created_by_id,
            summary=f"短信（{row.get_occasion_display()}）发送给{row.recipient}：{row.text}",
        )
