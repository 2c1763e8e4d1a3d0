"""Owner names reach a notice only for readers of the archive, and every notice that
shows a household is registered as a reading (preview, record forms, issued files,
PDFs, batch zips)."""

import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from notice_helpers import all_text, docx, grant_reading
from staff_accounts import make_user

from cms.archives.models import AccessRecord
from core.roles import STAFF, SUPERVISOR
from doc_templates import actions
from doc_templates.kinds import NoticeKind
from doc_templates.models import NoticePdf
from doc_templates.values import NoticeOptions

PREVIEW = {
    "kind": "rectification",
    "action": "拆除露台彩钢板房",
    "deadline_days": "5",
    "working_days": "1",
    "source": "patrol",
    "preview": "1",
}


@pytest.fixture(params=[STAFF, SUPERVISOR])
def reader(request, role_groups, staff):
    """Someone who sees the case but holds no reading grant: the staff member who
    registered it, or a supervisor."""
    if request.param == STAFF:
        return staff
    return make_user("zhuguan-n", role_groups[SUPERVISOR], last_name="孙", first_name="梅")


def downloaded(response):
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content)
    return response.content


def readings(user, household):
    return AccessRecord.objects.filter(user=user, household=household, via="notice").count()


@pytest.mark.django_db
class TestWithoutAGrant:
    def test_a_preview_shows_the_address_but_not_the_owner(
        self, client, reader, violation_case, tree
    ):
        client.force_login(reader)
        response = client.post(f"/admin/notices/case/{violation_case.pk}/", PREVIEW)
        assert response.status_code == 200
        text = all_text(docx(downloaded(response)))
        assert "翠湖花园 3栋 2单元 1201室" in text
        assert "张伟" not in text
        assert readings(reader, tree["household"]) == 1

    def test_a_printed_dispute_record_hides_the_parties_names(
        self, client, reader, make_case, tree, staff
    ):
        from cases.actions import add_dispute_party

        case = make_case(kind="dispute", topic="宠物", description="犬只夜间吠叫")
        add_dispute_party(case, staff, household=tree["neighbour"], position="希望管好犬只")
        client.force_login(reader)
        response = client.get(f"/admin/notices/case/{case.pk}/record/")
        assert response.status_code == 200
        text = all_text(docx(downloaded(response)))
        assert "翠湖花园 3栋 2单元 1101室" in text and "李娜" not in text
        assert readings(reader, tree["neighbour"]) == 1

    def test_an_issued_notice_downloads_without_the_owner_and_is_registered(
        self, client, reader, manager, violation_case, tree
    ):
        notice = actions.issue_notice(
            NoticeKind.RECTIFICATION,
            manager,
            case=violation_case,
            options=NoticeOptions(action="拆除彩钢板房"),
        )
        assert "张伟" in all_text(docx(notice.read_bytes()))
        client.force_login(reader)
        response = client.get(f"/admin/notices/{notice.pk}/download/")
        assert response.status_code == 200
        data = downloaded(response)
        text = all_text(docx(data))
        assert notice.number in text and "翠湖花园 3栋 2单元 1201室" in text
        assert "张伟" not in text
        assert data != notice.read_bytes()
        assert readings(reader, tree["household"]) == 1

    def test_the_signed_pdf_is_not_handed_out(self, client, reader, manager, violation_case):
        notice = actions.issue_notice(
            NoticeKind.RECTIFICATION,
            manager,
            case=violation_case,
            options=NoticeOptions(action="拆除彩钢板房"),
        )
        pdf = NoticePdf(notice=notice, sha256="0" * 64, signer="测试")
        pdf.file.save("x.pdf", ContentFile(b"%PDF-1.7 with the owner's name"), save=False)
        pdf.save()
        client.force_login(reader)
        response = client.get(f"/admin/notices/{notice.pk}/download/pdf/")
        assert b"owner's name" not in downloaded(response)
        page = client.get(f"/admin/notices/{notice.pk}/").content.decode()
        assert "下载签名PDF" not in page
        assert "查阅授权" in page

    def test_the_notice_page_and_list_show_no_owner_name(
        self, client, reader, manager, violation_case
    ):
        notice = actions.issue_notice(
            NoticeKind.RECTIFICATION,
            manager,
            case=violation_case,
            options=NoticeOptions(action="拆除彩钢板房"),
        )
        client.force_login(reader)
        for url in (f"/admin/notices/{notice.pk}/", "/admin/notices/"):
            page = client.get(url).content.decode()
            assert notice.number in page and "张伟" not in page, url


@pytest.mark.django_db
class TestWithAGrant:
    def test_a_reader_with_a_grant_sees_the_owner_and_is_registered(
        self, client, reader, violation_case, tree
    ):
        grant_reading(reader, tree["building"])
        client.force_login(reader)
        response = client.post(f"/admin/notices/case/{violation_case.pk}/", PREVIEW)
        assert "张伟" in all_text(docx(downloaded(response)))
        record = AccessRecord.objects.get(user=reader, via="notice")
        assert record.grant is not None

    def test_a_reader_downloads_the_frozen_file_itself(
        self, client, reader, manager, violation_case, tree
    ):
        notice = actions.issue_notice(NoticeKind.RECTIFICATION, manager, case=violation_case)
        grant_reading(reader, tree["building"])
        client.force_login(reader)
        data = downloaded(client.get(f"/admin/notices/{notice.pk}/download/"))
        assert data == notice.read_bytes()
        assert readings(reader, tree["household"]) == 1


@pytest.mark.django_db
def test_a_manager_without_a_grant_issues_by_address_only(role_groups, make_case, tree):
    from core.roles import MANAGER

    other = make_user("jingli-wu", role_groups[MANAGER], last_name="赵", first_name="强")
    case = make_case(household=tree["far"], location="5栋1单元301室阳台")
    notice = actions.issue_notice(
        NoticeKind.RECTIFICATION, other, case=case, options=NoticeOptions(action="拆除")
    )
    text = all_text(docx(notice.read_bytes()))
    assert "翠湖花园 5栋 1单元 301室业主：" in text and "王芳" not in text
    assert "王芳" not in str(notice.values)
    assert readings(other, tree["far"]) == 1


@pytest.mark.django_db
def test_a_batch_zip_download_is_registered_for_each_household(
    client, manager, tree, batches_run_now
):
    client.force_login(manager)
    with batches_run_now():
        client.post("/admin/notices/batch/", {"scope": str(tree["building"].pk), "topic": "噪音"})
    before = AccessRecord.objects.filter(user=manager, via="notice").count()
    from doc_templates.models import NoticeBatch

    batch = NoticeBatch.objects.get()
    response = client.get(f"/admin/notices/batch/{batch.pk}/download/")
    names = zipfile.ZipFile(io.BytesIO(downloaded(response))).namelist()
    assert len(names) == 2
    after = AccessRecord.objects.filter(user=manager, via="notice").count()
    assert after - before == 2


@pytest.mark.django_db
def test_a_butler_is_offered_addressees_of_the_own_buildings_only(
    client, role_groups, make_case, tree
):
    from django.contrib.auth.models import Group

    butlers = Group.objects.create(name="3栋管家组")
    tree["building"].butler_groups.add(butlers)
    tree["building"].save()  # a parental many-to-many is written when the page is saved
    butler = make_user("guanjia-3", role_groups[STAFF], butlers)
    case = make_case(
        kind="complaint", topic="噪音", household=tree["neighbour"], reporter_name="李娜"
    )
    from cases.models import Case

    Case.objects.filter(pk=case.pk).update(created_by=butler)
    client.force_login(butler)
    page = client.get(f"/admin/notices/case/{case.pk}/").content.decode()
    assert "翠湖花园 3栋 2单元 1201室" in page
    assert "5栋" not in page.split('name="addressee_household"')[1].split("</select>")[0]
