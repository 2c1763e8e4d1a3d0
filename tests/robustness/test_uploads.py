"""Uploads are judged by their content: a text file named .jpg, an executable named like a
photo or a document renamed .pdf are refused or named for what they are, in Chinese."""

from io import BytesIO

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from PIL import Image

from cases.forms import EvidenceForm
from doc_templates.forms import DeliveryForm

EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def photo_bytes(fmt="JPEG"):
    buffer = BytesIO()
    Image.new("RGB", (32, 24), (200, 80, 40)).save(buffer, fmt)
    return buffer.getvalue()


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def evidence_errors(file):
    form = EvidenceForm({"caption": "现场"}, {"file": file})
    return form.errors.get("file", [])


def delivery_errors(*files):
    form = DeliveryForm(
        {"method": "posting", "delivered_at": "2026-11-30T10:00"}, {"photos": list(files)}
    )
    form.is_valid()
    return form.errors.get("photos", [])


def test_a_real_photo_passes_for_delivery_and_evidence():
    assert delivery_errors(upload("张贴.jpg", photo_bytes(), "image/jpeg")) == []
    assert evidence_errors(upload("楼道.png", photo_bytes("PNG"), "image/png")) == []


@pytest.mark.parametrize(
    ("name", "content"),
    [("张贴.jpg", b"just some text pretending"), ("照片.png", EXECUTABLE), ("空.jpg", b"")],
)
def test_delivery_photos_that_are_no_pictures_are_refused(name, content):
    errors = delivery_errors(upload("正常.jpg", photo_bytes(), "image/jpeg"), upload(name, content, "image/jpeg"))
    assert errors, name
    assert any("图片" in error or "空" in error for error in errors)


def test_evidence_of_an_allowed_kind_passes():
    workbook = BytesIO()
    Workbook().save(workbook)
    assert evidence_errors(upload("台账.xlsx", workbook.getvalue())) == []
    assert evidence_errors(upload("扫描件.pdf", b"%PDF-1.7\n%\xe2\xe3\n1 0 obj")) == []
    assert evidence_errors(upload("通话录音.amr", b"#!AMR\n" + b"\x00" * 40)) == []


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("证据.exe", EXECUTABLE, "文件类型不被接受"),
        ("照片.jpg", EXECUTABLE, "文件类型不被接受"),
        ("说明.txt", "业主口述：楼上漏水".encode(), "文件类型不被接受"),
        ("合同.pdf", photo_bytes(), "扩展名不符"),
        ("录音.pdf", b"#!AMR\n" + b"\x00" * 40, "扩展名不符"),
    ],
)
def test_evidence_that_is_not_what_it_claims_is_refused_in_chinese(name, content, says):
    errors = evidence_errors(upload(name, content))
    assert errors and says in errors[0], errors
    assert name in errors[0]


@pytest.mark.django_db
def test_verifying_a_fake_pdf_says_it_is_not_a_pdf(client):
    client.force_login(get_user_model().objects.create_superuser("root-u", password="pw-up-1"))
    response = client.post(
        "/admin/notices/verify/", {"file": upload("整改通知书.pdf", b"this is not a pdf at all")}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "内容不是 PDF 文件" in body
    assert ".docx" not in body.split("内容不是 PDF 文件")[0][-80:]
