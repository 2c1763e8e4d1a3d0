"""Signed PDF copies of issued notices: LibreOffice conversion, PAdES signature with the
configured certificate, download, verification of an uploaded PDF, and issuing without
LibreOffice. One notice is issued and converted for the whole module (a conversion takes
a second or two); its database rows are rolled back at the end."""

import io
import os
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from notice_helpers import add_household, grant_reading
from pypdf import PdfReader
from staff_accounts import make_user
from wagtail.models import Page

from core.roles import MANAGER, STAFF, sync_roles
from doc_templates import actions
from doc_templates.background import notice_pdf_job
from doc_templates.kinds import NoticeKind
from doc_templates.models import NoticePdf, sha256_of
from doc_templates.pdf import check_signature, configured_signer
from doc_templates.values import NoticeOptions
from jobs.models import BackgroundJob
from jobs.runner import run_background_job

PASSPHRASE = "测试口令-2026"
CENTRE = "翠湖花园物业服务中心"


XDIST_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))


@pytest.fixture(scope="module")
def signing(tmp_path_factory):
    folder = tmp_path_factory.mktemp("notice-pdf")
    return {
        "PRIVATE_MEDIA_ROOT": str(folder / "private"),
        "NOTICE_PDF_ENABLED": True,
        "NOTICE_SIGNING_P12": str(folder / "signing.p12"),
        "NOTICE_SIGNING_PASSPHRASE": PASSPHRASE,
        "DOC_TEMPLATES_CENTRE_NAME": CENTRE,
        # A LibreOffice per pytest worker.
        "NOTICE_UNOSERVER_PORT": 2005 + 10 * XDIST_WORKER,
        "NOTICE_UNO_PORT": 2006 + 10 * XDIST_WORKER,
    }


@pytest.fixture(autouse=True)
def private_media(settings, signing):
    """Replaces the folder-wide fixture: the module's notice lives in one folder."""
    for name, value in signing.items():
        setattr(settings, name, value)


def _build_world():
    from cases.actions import create_case
    from cases.models import CaseTopic
    from cms.archives.models import ArchiveRoot, Building, Estate

    groups = sync_roles()
    root = Page.get_first_root_node().add_child(
        instance=ArchiveRoot(title="档案库", slug="dangan-pdf")
    )
    estate = root.add_child(instance=Estate(title="翠湖花园", slug="cuihu-pdf"))
    building = estate.add_child(instance=Building(title="3栋", slug="b3-pdf"))
    household = add_household(building, owner="张伟")
    manager = make_user("jingli-pdf", groups[MANAGER], last_name="王", first_name="立新")
    staff = make_user("kefu-pdf", groups[STAFF], last_name="陈", first_name="佳怡")
    grant_reading(manager, building, approver_username="jingli-pdf-shenpi")
    case = create_case(
        staff,
        kind="violation",
        topic=CaseTopic.objects.get_or_create(name="违章搭建")[0],
        household=household,
        channel="visit",
        description="在露台加建彩钢板房约12平方米",
        location="3栋顶层露台",
        violation_kind="decoration",
    )
    return {"manager": manager, "staff": staff, "case": case}


RECTIFY = NoticeOptions(
    basis="《翠湖花园管理规约》第十二条",
    action="拆除露台加建的彩钢板房，恢复原状",
    deadline_days=5,
    working_days=True,
)


@pytest.fixture(scope="module")
def issued(signing, django_db_setup, django_db_blocker):
    from doc_templates.pdf import write_self_signed_certificate

    with override_settings(**signing), django_db_blocker.unblock(), transaction.atomic():
        write_self_signed_certificate(signing["NOTICE_SIGNING_P12"], PASSPHRASE, "翠湖文书签章")
        world = _build_world()
        world["notice"] = issue_and_convert(world["manager"], world["case"])
        yield world
        transaction.set_rollback(True)


def issue_and_convert(manager, case):
    """签发, then the PDF job it queued, run as the worker runs it (the real worker
    process is in tests/tasks)."""
    notice = actions.issue_notice(NoticeKind.RECTIFICATION, manager, case=case, options=RECTIFY)
    assert not NoticePdf.objects.filter(notice=notice).exists()  # not made in the request
    job = notice_pdf_job(notice)
    assert job is not None and job.status == BackgroundJob.Status.QUEUED
    run_background_job.call(job.pk)
    return notice


def pdf_of(notice):
    return NoticePdf.objects.get(notice=notice)


def pdf_text(data):
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", "", text)


def tampered(data):
    """The signed PDF with one byte of its first content stream changed, same length."""
    start = data.index(b"stream\n") + len(b"stream\n") + 10
    return data[:start] + bytes([data[start] ^ 0x01]) + data[start + 1 :]


@pytest.mark.django_db
class TestIssuedPdf:
    def test_issuing_freezes_a_signed_pdf_beside_the_docx(self, issued):
        record = pdf_of(issued["notice"])
        assert record.produced, record.error
        data = record.read_bytes()
        assert data.startswith(b"%PDF")
        assert record.sha256 == sha256_of(data)
        assert record.sha256 != issued["notice"].sha256
        assert record.signer == "翠湖文书签章"

    def test_pdf_shows_the_notice_number_and_the_owner(self, issued):
        text = pdf_text(pdf_of(issued["notice"]).read_bytes())
        assert issued["notice"].number in text
        assert "张伟" in text
        assert "拆除露台加建的彩钢板房" in text
        assert "{{" not in text

    def test_pdf_uses_simplified_chinese_faces_like_the_docx(self, issued):
        """仿宋 body and 黑体 title come out in the GB faces fontconfig maps them to
        (scripts/fontconfig/), never in a Japanese face."""
        reader = PdfReader(io.BytesIO(pdf_of(issued["notice"]).read_bytes()))
        fonts = {
            str(font.get_object()["/BaseFont"]).split("+")[-1]
            for page in reader.pages
            for font in page["/Resources"]["/Font"].values()
        }
        assert "UKaiCN" in fonts and "WenQuanYiZenHei" in fonts, fonts
        assert not any("jp" in name.lower() for name in fonts), fonts
        assert len(reader.pages) == 1

    def test_signature_is_intact_and_made_with_the_configured_certificate(self, issued):
        check = check_signature(pdf_of(issued["notice"]).read_bytes())
        assert check.ok, check.message
        assert check.signer == "翠湖文书签章"

    def test_verification_of_the_pdf_names_the_notice(self, issued):
        notice, message = actions.verify_copy(pdf_of(issued["notice"]).read_bytes())
        assert notice == issued["notice"]
        assert message.startswith("一致")
        assert issued["notice"].number in message
        assert "数字签名有效" in message

    def test_a_tampered_pdf_fails_verification(self, issued):
        data = tampered(pdf_of(issued["notice"]).read_bytes())
        notice, message = actions.verify_copy(data)
        assert notice is None
        assert "签名之后文件内容被改动" in message

    def test_a_pdf_signed_again_with_another_certificate_is_refused(self, issued, tmp_path):
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import signers

        from doc_templates.pdf import write_self_signed_certificate

        write_self_signed_certificate(tmp_path / "other.p12", "", "冒名签章")
        signer = signers.SimpleSigner.load_pkcs12(str(tmp_path / "other.p12"))
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf_of(issued["notice"]).read_bytes()))
        forged = signers.sign_pdf(
            writer, signers.PdfSignatureMetadata(field_name="Forged"), signer=signer
        ).getvalue()
        notice, message = actions.verify_copy(forged)
        assert notice is None
        assert "不是本中心的证书所签" in message
        assert "冒名签章" in message

    def test_an_unsigned_pdf_is_not_accepted(self, issued):
        from pypdf import PdfWriter

        writer, unsigned = PdfWriter(), io.BytesIO()
        writer.add_blank_page(width=595, height=842)
        writer.write(unsigned)
        notice, message = actions.verify_copy(unsigned.getvalue())
        assert notice is None
        assert message.startswith("不一致：该PDF没有数字签名")


@pytest.mark.django_db
class TestPdfPages:
    def test_the_manager_downloads_the_signed_pdf_from_the_notice_page(self, issued, client):
        notice = issued["notice"]
        client.force_login(issued["manager"])
        page = client.get(f"/admin/notices/{notice.pk}/").content.decode()
        assert "下载签名PDF" in page
        assert pdf_of(notice).sha256 in page
        case_page = client.get(f"/admin/notices/case/{issued['case'].pk}/").content.decode()
        assert f"/admin/notices/{notice.pk}/download/pdf/" in case_page
        response = client.get(f"/admin/notices/{notice.pk}/download/pdf/")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == pdf_of(notice).read_bytes()

    def test_the_pdf_download_is_permission_checked(self, issued, client):
        outsider = make_user("wairen-pdf")
        client.force_login(outsider)
        response = client.get(f"/admin/notices/{issued['notice'].pk}/download/pdf/")
        assert response.status_code in (302, 403)
        assert not response.get("Content-Type", "").startswith("application/pdf")

    def test_the_verify_page_accepts_the_pdf_and_reports_in_chinese(self, issued, client):
        client.force_login(issued["staff"])
        good = pdf_of(issued["notice"]).read_bytes()
        page = client.post(
            "/admin/notices/verify/",
            {"file": SimpleUploadedFile("副本.pdf", good, "application/pdf")},
        ).content.decode()
        assert "一致：该PDF即已签发的整改通知书" in page
        page = client.post(
            "/admin/notices/verify/",
            {"file": SimpleUploadedFile("副本.pdf", tampered(good), "application/pdf")},
        ).content.decode()
        assert "签名之后文件内容被改动" in page


@pytest.mark.django_db
def test_without_libreoffice_the_notice_is_issued_and_the_pdf_marked_not_produced(
    issued, settings, client
):
    installed = settings.NOTICE_SOFFICE
    settings.NOTICE_SOFFICE = "/nonexistent/libreoffice/soffice"
    notice = issue_and_convert(issued["manager"], issued["case"])
    assert notice.file_is_intact()
    record = pdf_of(notice)
    assert not record.produced
    assert "未找到 LibreOffice" in record.error
    client.force_login(issued["manager"])
    page = client.get(f"/admin/notices/{notice.pk}/").content.decode()
    assert "未生成：" in page
    assert "未找到 LibreOffice" in page
    assert "下载签名PDF" not in page
    assert 'id="retry-notice-pdf"' in page
    assert client.get(f"/admin/notices/{notice.pk}/download/pdf/").status_code == 404

    # LibreOffice installed, the manager retries from the notice page.
    settings.NOTICE_SOFFICE = installed
    client.post(f"/admin/notices/{notice.pk}/pdf/retry/")
    page = client.get(f"/admin/notices/{notice.pk}/").content.decode()
    assert "PDF 生成中…" in page and "未找到 LibreOffice" not in page
    assert 'id="retry-notice-pdf"' not in page
    run_background_job.call(notice_pdf_job(notice).pk)
    page = client.get(f"/admin/notices/{notice.pk}/").content.decode()
    assert "下载签名PDF" in page and "PDF 生成中" not in page
    assert notice.number in pdf_text(pdf_of(notice).read_bytes())
    # A PDF made is frozen: no second retry.
    client.post(f"/admin/notices/{notice.pk}/pdf/retry/")
    assert NoticePdf.objects.filter(notice=notice).count() == 1
    assert notice_pdf_job(notice).status == BackgroundJob.Status.DONE


@pytest.mark.django_db
def test_the_notice_page_says_the_pdf_is_being_made_until_the_worker_made_it(issued, client):
    notice = actions.issue_notice(
        NoticeKind.RECTIFICATION, issued["manager"], case=issued["case"], options=RECTIFY
    )
    client.force_login(issued["manager"])
    page = client.get(f"/admin/notices/{notice.pk}/").content.decode()
    assert "PDF 生成中…" in page
    assert "下载签名PDF" not in page and "未生成" not in page


def test_make_signing_certificate_writes_a_loadable_protected_certificate(settings, tmp_path):
    settings.NOTICE_SIGNING_P12 = str(tmp_path / "dev.p12")
    settings.NOTICE_SIGNING_PASSPHRASE = "开发口令"
    call_command("make_signing_certificate", common_name="开发签章", stdout=io.StringIO())
    assert configured_signer().signing_cert.subject.native["common_name"] == "开发签章"
    settings.NOTICE_SIGNING_PASSPHRASE = "错误口令"
    from doc_templates.pdf import PdfNotProduced

    with pytest.raises(PdfNotProduced, match="口令错误"):
        configured_signer()


@pytest.mark.django_db
def test_without_a_certificate_the_pdf_is_marked_not_produced(issued, settings, tmp_path):
    settings.NOTICE_SIGNING_P12 = str(tmp_path / "absent.p12")
    notice = issue_and_convert(issued["manager"], issued["case"])
    record = pdf_of(notice)
    assert not record.produced
    assert "未配置签名证书" in record.error


def test_a_hanging_libreoffice_is_stopped_after_the_timeout(settings, tmp_path):
    from doc_templates.pdf import PdfNotProduced, convert_to_pdf

    hanging = tmp_path / "soffice"
    hanging.write_text("#!/bin/sh\nsleep 60 &\nwait\n")
    hanging.chmod(0o755)
    settings.NOTICE_PDF_KEEP_RUNNING = False
    settings.NOTICE_SOFFICE = str(hanging)
    settings.NOTICE_PDF_TIMEOUT = 1
    with pytest.raises(PdfNotProduced, match="超过 1 秒未完成"):
        convert_to_pdf(b"not used")


@pytest.mark.django_db
def test_concurrent_conversions_each_get_their_pdf(issued):
    from concurrent.futures import ThreadPoolExecutor

    from doc_templates.pdf import convert_to_pdf

    docx_bytes = issued["notice"].read_bytes()
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(convert_to_pdf, [docx_bytes, docx_bytes]))
    for data in results:
        assert issued["notice"].number in pdf_text(data)


@pytest.mark.django_db
def test_a_broken_conversion_still_issues_the_notice(issued, settings, tmp_path):
    broken = tmp_path / "soffice"
    broken.write_text(
        '#!/bin/sh\nwhile [ "$1" != "--outdir" ]; do shift; done\n'
        'mkdir -p "$2" && echo "no pdf here" > "$2/notice.pdf"\n'
    )
    broken.chmod(0o755)
    settings.NOTICE_PDF_KEEP_RUNNING = False
    settings.NOTICE_SOFFICE = str(broken)
    notice = issue_and_convert(issued["manager"], issued["case"])
    assert notice.file_is_intact()
    record = pdf_of(notice)
    assert not record.produced
    assert "生成或签名PDF时出错" in record.error
