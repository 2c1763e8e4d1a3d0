"""The signed PDF of a notice issued on its own is made by a real worker process after
签发, on both backends: the notice page says it is being made, then offers it; a failure
shows its reason in Chinese, and 重新生成PDF makes it once the cause is gone."""

import io
import os

import pytest
from django.db import transaction
from pypdf import PdfReader

from core.roles import MANAGER
from doc_templates import actions
from doc_templates.kinds import NoticeKind
from doc_templates.models import NoticePdf
from doc_templates.pdf import check_signature, write_self_signed_certificate
from doc_templates.values import NoticeOptions

RECTIFY = NoticeOptions(
    addressee="8栋1单元全体住户",
    basis="《翠湖花园管理规约》第十二条",
    action="清理楼道堆放的杂物",
    deadline_days=3,
)


@pytest.fixture
def manager(transactional_db, client):
    from django.contrib.auth import get_user_model

    from core.roles import sync_roles

    user = get_user_model().objects.create_user("jingli-pdf-worker", password="x", is_staff=True)
    user.groups.add(sync_roles()[MANAGER])
    client.force_login(user)
    return user


def issue(manager):
    with transaction.atomic():
        return actions.issue_notice(NoticeKind.RECTIFICATION, manager, options=RECTIFY)


def page_of(client, notice):
    return client.get(f"/admin/notices/{notice.pk}/").content.decode()


def pdf_made(notice):
    return NoticePdf.objects.filter(notice=notice).first()


def test_the_worker_makes_the_signed_pdf_after_issuing(
    backend, signed_pdfs, manager, client, workers, wait_for
):
    notice = issue(manager)
    page = page_of(client, notice)
    assert "PDF 生成中…" in page and "下载签名PDF" not in page

    workers()
    record = wait_for(lambda: pdf_made(notice), timeout=180)
    assert record.produced, record.error
    page = page_of(client, notice)
    assert "下载签名PDF" in page and "PDF 生成中" not in page
    data = b"".join(client.get(f"/admin/notices/{notice.pk}/download/pdf/").streaming_content)
    assert check_signature(data).ok
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert notice.number.replace(" ", "") in text.replace(" ", "").replace("\n", "")


def test_a_failed_pdf_shows_why_and_is_made_on_retry(
    backend, settings, signed_pdfs, manager, client, workers, wait_for
):
    os.remove(signed_pdfs)  # the certificate is not installed yet
    workers()
    notice = issue(manager)
    failed = wait_for(lambda: pdf_made(notice), timeout=180)
    assert not failed.produced
    page = page_of(client, notice)
    assert "未生成：" in page and "未配置签名证书" in page
    assert 'id="retry-notice-pdf"' in page

    write_self_signed_certificate(signed_pdfs, settings.NOTICE_SIGNING_PASSPHRASE, "翠湖文书签章")
    client.post(f"/admin/notices/{notice.pk}/pdf/retry/")
    record = wait_for(lambda: (r := pdf_made(notice)) is not None and r.produced and r, 180)
    assert record.error == ""
    page = page_of(client, notice)
    assert "下载签名PDF" in page and "未配置签名证书" not in page
