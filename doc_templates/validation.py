"""Checks on an uploaded Word template before it becomes a new version.

Only a real .docx passes: the right extension, a sane size, a zip archive that
does not inflate out of proportion (zip bomb), the Word document content type
and no macros (.docm, vbaProject.bin). Its placeholders must all be known for
the kind, and the required ones present.
"""

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from doc_templates.filling import find_placeholders, open_document
from doc_templates.kinds import allowed_placeholders, required_placeholders

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MACRO_MARKERS = ("macroEnabled", "vbaProject", "vbaData")


def limit(name, default):
    return getattr(settings, name, default)


def max_upload_bytes():
    return limit("DOC_TEMPLATES_MAX_UPLOAD_BYTES", 5 * 1024 * 1024)


def max_uncompressed_bytes():
    return limit("DOC_TEMPLATES_MAX_UNCOMPRESSED_BYTES", 50 * 1024 * 1024)


def max_compression_ratio():
    return limit("DOC_TEMPLATES_MAX_COMPRESSION_RATIO", 100)


def check_name(name):
    lowered = (name or "").lower()
    if lowered.endswith(".docm") or lowered.endswith(".dotm"):
        raise ValidationError("不接受启用宏的 Word 文件（.docm/.dotm），请另存为 .docx 后上传。")
    if not lowered.endswith(".docx"):
        raise ValidationError("只接受 Word 文档（.docx）格式的模板。")


def check_size(size):
    if size > max_upload_bytes():
        raise ValidationError(
            f"文件过大（{filesizeformat(size)}），模板不得超过 {filesizeformat(max_upload_bytes())}。"
        )


def check_archive(uploaded):
    uploaded.seek(0)
    if not zipfile.is_zipfile(uploaded):
        raise ValidationError("文件已损坏或不是 Word 文档：.docx 应为 Office Open XML 压缩包。")
    uploaded.seek(0)
    with zipfile.ZipFile(uploaded) as archive:
        infos = archive.infolist()
        total = sum(info.file_size for info in infos)
        packed = sum(info.compress_size for info in infos) or 1
        if total > max_uncompressed_bytes() or total / packed > max_compression_ratio():
            raise ValidationError(
                "文件解压后体积异常（可能是压缩炸弹），已拒绝。"
                f"解压后 {filesizeformat(total)}，压缩比 {total / packed:.0f}:1。"
            )
        names = {info.filename for info in infos}
        if "[Content_Types].xml" not in names or "word/document.xml" not in names:
            raise ValidationError("压缩包中没有 Word 正文（word/document.xml），不是有效的 .docx。")
        content_types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
        if any(marker in content_types for marker in MACRO_MARKERS) or any(
            "vbaProject" in name for name in names
        ):
            raise ValidationError("文件包含宏代码，出于安全原因不予接受。")
        if DOCX_MAIN not in content_types:
            raise ValidationError("文件内容类型不是 Word 文档（.docx），已拒绝。")
    uploaded.seek(0)


def check_placeholders(document, kind):
    """The placeholder names found, after checking them against the kind's list."""
    found = find_placeholders(document)
    unknown = sorted(found - allowed_placeholders(kind))
    missing = sorted(required_placeholders(kind) - found)
    errors = []
    if unknown:
        errors.append(
            "模板中有未知的占位符："
            + "、".join(f"{{{{ {n} }}}}" for n in unknown)
            + "。可用的占位符："
            + "、".join(sorted(allowed_placeholders(kind)))
            + "。"
        )
    if missing:
        errors.append(
            "模板缺少必需的占位符：" + "、".join(f"{{{{ {n} }}}}" for n in missing) + "。"
        )
    if errors:
        raise ValidationError(errors)
    return sorted(found)


def validate_template_upload(uploaded, kind):
    """Run every check on an uploaded file; returns (bytes, placeholder names)."""
    check_name(uploaded.name)
    check_size(uploaded.size)
    check_archive(uploaded)
    data = uploaded.read()
    try:
        document = open_document(data)
    except Exception as error:
        raise ValidationError("Word 无法打开该文件：内容已损坏或格式不符。") from error
    return data, check_placeholders(document, kind)
