"""Downloads of the approved scripts for staff (Excel sheet, Word handbook)."""

import io

from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse

from cms.replies.exports import handbook_document, scripts_workbook
from cms.replies.models import ReplyScript

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _download(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def _approved():
    return list(ReplyScript.objects.approved().select_related("topic__parent"))


@permission_required("replies.view_replyscript", raise_exception=True)
def export_workbook(request):
    buffer = io.BytesIO()
    scripts_workbook(_approved()).save(buffer)
    return _download(buffer.getvalue(), XLSX, "reply-scripts.xlsx")


@permission_required("replies.view_replyscript", raise_exception=True)
def export_handbook(request):
    buffer = io.BytesIO()
    handbook_document(_approved()).save(buffer)
    return _download(buffer.getvalue(), DOCX, "reply-handbook.docx")
