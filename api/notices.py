"""通知文书: verify a copy by upload; read an issued notice's register entry."""

from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Field, File, Router, Schema
from ninja.files import UploadedFile

from api.auth import scoped
from api.errors import ApiError, responses
from api.models import Scope
from core.people import display_name
from doc_templates.actions import verify_copy
from doc_templates.models import Notice

router = Router(tags=["通知文书"])
MAX_UPLOAD = 20 * 1024 * 1024
VIEW_NOTICE = "doc_templates.view_notice"


class VerifyOut(Schema):
    matched: bool = Field(description="是否与已签发的文书一致")
    number: str | None = Field(None, description="文号")
    message: str = Field(description="核验结论")


class NoticeOut(Schema):
    number: str = Field(description="文号")
    kind: str = Field(description="文书类型代码")
    kind_label: str = Field(description="文书类型")
    issued_at: datetime = Field(description="签发时间")
    issued_by: str = Field(description="签发人")
    sha256: str = Field(description="Word 文书的 SHA-256")
    pdf_sha256: str | None = Field(None, description="签名PDF的 SHA-256")
    case_number: str | None = Field(None, description="所属案件编号")
    template_version: int = Field(description="模板版本")
    supersedes: str | None = Field(None, description="更正并取代的文号")
    superseded_by: str | None = Field(None, description="已被此文号更正")


@router.post(
    "/verify",
    response=responses(200, VerifyOut),
    auth=scoped(Scope.READ_CASES),
    summary="核验文书",
    description="上传一份 Word 或签名PDF副本：与签发时登记的 SHA-256 比对，PDF 还核验签名。",
)
def verify(request, file: File[UploadedFile]):
    if file.size > MAX_UPLOAD:
        raise ApiError(413, "file_too_large", "文件过大（超过 20 MB），无法核验。")
    notice, message = verify_copy(file.read())
    return {
        "matched": notice is not None,
        "number": notice.number if notice else None,
        "message": message,
    }


@router.get(
    "/{number}",
    response=responses(200, NoticeOut),
    auth=scoped(Scope.READ_CASES),
    summary="文书登记信息",
    description="按文号查签发登记：签发人、时间、哈希、模板版本、更正关系。",
)
def register_entry(request, number: str):
    if not request.user.has_perm(VIEW_NOTICE):
        raise ApiError(403, "forbidden", "您没有查看通知文书的权限。")
    notice = get_object_or_404(
        Notice.objects.select_related("issued_by", "case", "template_version", "supersedes"),
        number=number,
    )
    pdf = getattr(notice, "pdf", None)
    successor = getattr(notice, "superseded_by", None)
    return {
        "number": notice.number,
        "kind": notice.kind,
        "kind_label": notice.get_kind_display(),
        "issued_at": notice.issued_at,
        "issued_by": display_name(notice.issued_by),
        "sha256": notice.sha256,
        "pdf_sha256": (pdf.sha256 or None) if pdf else None,
        "case_number": notice.case.number if notice.case_id else None,
        "template_version": notice.template_version.version,
        "supersedes": notice.supersedes.number if notice.supersedes_id else None,
        "superseded_by": successor.number if successor else None,
    }
