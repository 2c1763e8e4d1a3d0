"""Batch tri-party reminders for every household of a building or estate."""

import io
import zipfile
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from docx import Document

from cms.archives.models import AccessRecord
from doc_templates import actions
from doc_templates.models import Notice


@pytest.mark.django_db
def test_a_building_batch_registers_one_notice_per_household_in_one_zip(tree, manager):
    batch = actions.start_batch(tree["building"], "宠物", manager)
    seen = []
    batch = actions.run_batch(batch, progress=lambda done, total: seen.append((done, total)))

    assert seen == [(1, 2), (2, 2)]
    assert (batch.status, batch.done, batch.percent) == ("done", 2, 100)
    notices = Notice.objects.filter(batch=batch).order_by("serial")
    assert [n.household for n in notices] == [tree["household"], tree["neighbour"]]
    with zipfile.ZipFile(batch.archive.path) as archive:
        names = sorted(archive.namelist())
        assert names == sorted(
            f"{n.number}-3栋{n.household.title.replace(' ', '')}.docx" for n in notices
        )
        for notice in notices:
            name = next(name for name in names if name.startswith(notice.number))
            data = archive.read(name)
            assert Notice.objects.matching(data).get() == notice
            text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
            assert f"尊敬的{notice.household.address}住户" in text
            assert "关于文明饲养宠物的温馨提示" in text
    assert AccessRecord.objects.filter(via="notice", user=manager).count() == 2


@pytest.mark.django_db
def test_the_command_covers_a_whole_estate_with_a_progress_bar(tree, manager, capsys):
    out = StringIO()
    call_command(
        "issue_tri_party_batch", scope="翠湖花园", topic="噪音", user=manager.username, stdout=out
    )
    assert "已签发 3 份" in out.getvalue()
    assert "3/3" in capsys.readouterr().err
    assert Notice.objects.filter(household=tree["far"]).exists()


@pytest.mark.django_db
def test_staff_cannot_start_a_batch(tree, staff):
    with pytest.raises(PermissionDenied):
        actions.start_batch(tree["estate"], "噪音", staff)
