"""Builders shared by the notice tests."""

import io
from pathlib import Path

from browser_login import sign_in
from django.contrib.auth import get_user_model
from docx import Document
from staff_accounts import PASSWORD, make_user

from cms.archives.models import HouseholdArchive, Owner


def add_household(building, unit="2", floor=12, room="1201", owner="张伟"):
    household = HouseholdArchive(unit=unit, floor=floor, room=room)
    household.full_clean(exclude=["path", "depth"])
    building.add_child(instance=household)
    if owner:
        Owner.objects.create(household=household, name=owner)
    return household


def docx(data):
    return Document(io.BytesIO(data))


def all_text(document):
    """Body, tables, headers and footers, one paragraph a line."""
    from doc_templates.filling import iter_paragraphs

    return "\n".join(paragraph.text for paragraph in iter_paragraphs(document))


def form_rows(table):
    """{label: value} of a form table whose rows are label, value[, label, value];
    a merged value cell repeats in python-docx's row.cells, which does no harm here."""
    rows = {}
    for row in table.rows:
        cells = row.cells
        for index in range(0, len(cells) - 1, 2):
            rows.setdefault(cells[index].text, cells[index + 1].text)
    return rows


def grant_reading(user, building, approver_username="jingli-shenpi"):
    """An approved, running grant for ``user`` to read every household of ``building``."""
    from cms.archives.actions import approve_access, request_access
    from core.roles import MANAGER, sync_roles

    approver = get_user_model().objects.filter(username=approver_username).first()
    if approver is None:
        approver = make_user(approver_username, sync_roles()[MANAGER])
    grant = request_access(user, "送达整改通知书需核对业主姓名", 7, building=building)
    return approve_access(grant, approver)


def log_in(page, user):
    sign_in(page, user.username, PASSWORD)


SCREENS = Path(__file__).resolve().parents[2] / "var" / "screens"


def shot(page, name):
    """A full-page screenshot under var/screens/notices-<name>.png."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"notices-{name}.png"), full_page=True)
