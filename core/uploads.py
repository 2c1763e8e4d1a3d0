"""Uploads are judged by their content, not by their name: a text file named .jpg or an
executable named 照片.png is refused with a Chinese message that says what is accepted."""

import zipfile

from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError

IMAGE_FORMATS = {"JPEG": "JPG", "PNG": "PNG", "GIF": "GIF", "WEBP": "WebP", "BMP": "BMP"}
IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp"}
# Evidence a service centre collects: photos, scans and letters, spreadsheets, recordings of
# calls and short videos. Each kind is recognised by the first bytes of the file.
EVIDENCE_KINDS = {
    "pdf": ({".pdf"}, "PDF 文件"),
    "docx": ({".docx"}, "Word 文档（.docx）"),
    "xlsx": ({".xlsx"}, "Excel 表格（.xlsx）"),
    "mp3": ({".mp3"}, "MP3 录音"),
    "wav": ({".wav"}, "WAV 录音"),
    "amr": ({".amr"}, "AMR 录音（手机通话录音）"),
    "mp4": ({".mp4", ".m4a", ".mov"}, "MP4/M4A/MOV 音视频"),
}
ALLOWED_EVIDENCE = "照片（JPG、PNG、GIF、WebP、BMP）、PDF、Word（.docx）、Excel（.xlsx）、录音（MP3、WAV、AMR、M4A）和视频（MP4、MOV）"


def extension(name):
    name = (name or "").lower()
    return name[name.rfind(".") :] if "." in name else ""


def _rewind(upload):
    upload.seek(0)


def image_format(upload):
    """The image format Pillow reads from the file, or None when it is no image."""
    try:
        with Image.open(upload) as image:
            image.verify()
            found = image.format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        found = None
    finally:
        _rewind(upload)
    return found if found in IMAGE_FORMATS else None


def validate_image(upload):
    """For photos (delivery of notices, posting, refusal): a real picture, whatever its name."""
    if image_format(upload) is None:
        raise ValidationError(
            f"「{upload.name}」不是可识别的图片文件，请上传 JPG、PNG、GIF、WebP 或 BMP 格式的照片。",
            code="not_an_image",
        )
    if extension(upload.name) not in IMAGE_EXTENSIONS:
        raise ValidationError(
            f"「{upload.name}」的文件扩展名与内容不符，照片应为 .jpg、.png、.gif、.webp 或 .bmp。",
            code="wrong_extension",
        )


def sniff_evidence(upload):
    """The evidence kind recognised from the file's first bytes, or None."""
    head = upload.read(16)
    _rewind(upload)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _office_kind(upload)
    if head.startswith(b"ID3") or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "mp3"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "wav"
    if head.startswith(b"#!AMR"):
        return "amr"
    if head[4:8] == b"ftyp":
        return "mp4"
    return None


def _office_kind(upload):
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        names = set()
    finally:
        _rewind(upload)
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


def validate_evidence(upload):
    """Case evidence: one of the allowed kinds by content, with a name that says the same."""
    if image_format(upload) is not None:
        if extension(upload.name) not in IMAGE_EXTENSIONS:
            raise ValidationError(
                f"「{upload.name}」是图片，但扩展名不符，请改为 .jpg 或 .png 后上传。",
                code="wrong_extension",
            )
        return
    kind = sniff_evidence(upload)
    if kind is None:
        raise ValidationError(
            f"「{upload.name}」的文件类型不被接受。可上传：{ALLOWED_EVIDENCE}。",
            code="type_not_allowed",
        )
    extensions, label = EVIDENCE_KINDS[kind]
    if extension(upload.name) not in extensions:
        raise ValidationError(
            f"「{upload.name}」的内容是{label}，与文件扩展名不符，请检查后重新上传。",
            code="wrong_extension",
        )
