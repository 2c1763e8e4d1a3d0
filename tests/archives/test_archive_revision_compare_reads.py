"""The archivist compares two versions of a household: every value reads in Chinese, an
empty date or number as （未填） and a yes/no as 是 / 否, never Python's None / False."""

import pytest
from django.core.files.base import ContentFile
from visible_text import visible_text

from cms.archives.models import ArchivePaper, HouseholdArchive, PaperKind

pytestmark = pytest.mark.django_db


def test_a_paper_without_a_received_date_compares_in_chinese(client, archive_tree, users):
    household = HouseholdArchive.objects.get(pk=archive_tree["household"].pk)
    household.save_revision(user=users["archivist"]).publish()
    paper = ArchivePaper(household=household, kind=PaperKind.OWNER_CARD)
    paper.file.save("owner-card.pdf", ContentFile(b"%PDF-1.4 card"), save=False)
    paper.save()
    household.do_not_visit, household.do_not_visit_reason = True, "业主要求不再上门"
    household.save_revision(user=users["archivist"]).publish()
    client.force_login(users["archivist"])
    response = client.get(f"/admin/pages/{household.pk}/revisions/compare/earliest...latest/")
    assert response.status_code == 200
    shown = visible_text(response.content.decode())
    assert not {"None", "False", "True"} & set(shown), shown
    assert "（未填）" in shown and "否" in shown
