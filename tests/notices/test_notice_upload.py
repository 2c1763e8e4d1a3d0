"""Template upload: only real .docx with the right placeholders become a new version."""

import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from doc_templates import actions
from doc_templates.build_templates import build_rectification, bundled_template_path
from doc_templates.kinds import NoticeKind, required_placeholders
from doc_templates.models import TemplateVersion

RECTIFICATION = NoticeKind.RECTIFICATION


def upload(data, name="整改通知书.docx"):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def document_bytes(document):
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def rejection(manager, data, name="整改通知书.docx", kind=RECTIFICATION):
    with pytest.raises(ValidationError) as refused:
        actions.upload_template_version(kind, upload(data, name), manager)
    assert TemplateVersion.objects.filter(uploaded_by=manager).count() == 0
    return " ".join(refused.value.messages)


def rezip(data, replace=None, add=None):
    """A copy of the .docx zip with some members replaced or added."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if replace and info.filename in replace:
                content = replace[info.filename](content)
            target.writestr(info.filename, content)
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return buffer.getvalue()


@pytest.fixture
def good():
    return bundled_template_path(RECTIFICATION).read_bytes()


@pytest.mark.django_db
class TestRejections:
    def test_a_macro_enabled_docm_is_refused_by_name(self, manager, good):
        assert "宏" in rejection(manager, good, name="整改通知书.docm")

    def test_another_extension_is_refused(self, manager, good):
        assert "只接受 Word 文档" in rejection(manager, good, name="整改通知书.doc")

    def test_macro_content_renamed_to_docx_is_refused(self, manager, good):
        macro = rezip(
            good,
            replace={
                "[Content_Types].xml": lambda xml: xml.replace(
                    b"document.main+xml", b"document.macroEnabled.main+xml"
                )
            },
            add={"word/vbaProject.bin": b"\x00VBA"},
        )
        assert "宏" in rejection(manager, macro)

    def test_a_file_that_is_not_a_zip_is_refused(self, manager):
        assert "不是 Word 文档" in rejection(manager, b"PK-not really a zip" * 10)

    def test_a_zip_without_a_word_body_is_refused(self, manager):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("readme.txt", "hello")
        assert "word/document.xml" in rejection(manager, buffer.getvalue())

    def test_an_oversized_file_is_refused(self, manager, good, settings):
        settings.DOC_TEMPLATES_MAX_UPLOAD_BYTES = len(good) - 1
        assert "文件过大" in rejection(manager, good)

    def test_a_zip_bomb_is_refused_by_its_compression_ratio(self, manager, good):
        bomb = rezip(good, add={"word/media/padding.bin": b"\0" * (30 * 1024 * 1024)})
        assert len(bomb) < 1024 * 1024
        assert "压缩炸弹" in rejection(manager, bomb)

    def test_unknown_placeholders_are_listed_and_refused(self, manager):
        document = build_rectification()
        document.add_paragraph("{{ 身份证号 }} {{ 银行账号 }}")
        message = rejection(manager, document_bytes(document))
        assert "未知的占位符：{{ 身份证号 }}、{{ 银行账号 }}" in message

    def test_missing_required_placeholders_are_refused(self, manager):
        document = Document()
        document.add_paragraph("{{ 文号 }} {{ 业户姓名 }}")
        message = rejection(manager, document_bytes(document))
        assert "缺少必需的占位符" in message and "{{ 整改要求 }}" in message

    def test_staff_may_not_upload(self, staff, good):
        with pytest.raises(PermissionDenied):
            actions.upload_template_version(RECTIFICATION, upload(good), staff)


@pytest.mark.django_db
def test_every_version_is_kept_and_each_notice_records_its_version(manager, violation_case):
    first = actions.issue_notice(RECTIFICATION, manager, case=violation_case)
    document = build_rectification()
    document.paragraphs[0].runs[0].text = "限期整改通知书"
    version = actions.upload_template_version(
        RECTIFICATION, upload(document_bytes(document)), manager, note="标题改为限期整改"
    )
    second = actions.issue_notice(RECTIFICATION, manager, case=violation_case)

    assert version.version == 2
    assert list(
        TemplateVersion.objects.for_kind(RECTIFICATION).values_list("version", flat=True)
    ) == [2, 1]
    assert first.template_version.version == 1 and second.template_version == version
    assert Document(io.BytesIO(second.read_bytes())).paragraphs[0].text == "限期整改通知书"
    assert Document(io.BytesIO(first.read_bytes())).paragraphs[0].text == "整改通知书"


@pytest.mark.parametrize("kind", list(NoticeKind))
def test_every_bundled_template_passes_the_upload_checks_of_its_kind(kind):
    from doc_templates.validation import validate_template_upload

    data = bundled_template_path(kind).read_bytes()
    _, names = validate_template_upload(upload(data, f"{kind}.docx"), kind)
    assert set(names) >= set(required_placeholders(kind))
