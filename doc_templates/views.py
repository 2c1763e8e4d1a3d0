"""Admin views for notices (mounted under /admin/notices/ by wagtail_hooks)."""

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from cases.models import Case
from cases.policy import can_view_case, visible_cases
from cms.archives.models import Building, Estate
from doc_templates import actions
from doc_templates.forms import (
    BatchForm,
    CorrectionForm,
    DeliveryForm,
    NoticeForm,
    TemplateUploadForm,
    VerifyForm,
)
from doc_templates.kinds import NoticeKind
from doc_templates.models import Notice, NoticeBatch, NoticePdf, TemplateVersion
from jobs.runner import batch_job, retry, start_job

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
VIEW_NOTICE = "doc_templates.view_notice"


def docx_response(data, filename):
    response = HttpResponse(data, content_type=DOCX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _require(user, permission):
    if not user.has_perm(permission):
        raise PermissionDenied("您没有查看文书的权限。")


def _visible_case(request, case_id):
    _require(request.user, VIEW_NOTICE)
    case = get_object_or_404(Case, pk=case_id)
    if not can_view_case(request.user, case):
        raise PermissionDenied("您无权查看该案件。")
    return case


def _visible_notice(request, pk):
    _require(request.user, VIEW_NOTICE)
    notice = get_object_or_404(Notice.objects.select_related("case", "issued_by"), pk=pk)
    if notice.case_id and not can_view_case(request.user, notice.case):
        raise PermissionDenied("您无权查看该文书。")
    if notice.case_id is None and not actions.can_issue(request.user):
        raise PermissionDenied("您无权查看该文书。")
    return notice


def index(request):
    _require(request.user, VIEW_NOTICE)
    cases = (
        visible_cases(request.user)
        .filter(kind__in=[Case.Kind.VIOLATION, Case.Kind.DISPUTE, Case.Kind.COMPLAINT])
        .exclude(status=Case.Status.CLOSED)
        .select_related("topic")
        .order_by("-received_at")[:50]
    )
    notices = Notice.objects.select_related("issued_by", "case", "pdf").filter(
        case__in=visible_cases(request.user)
    )
    if actions.can_issue(request.user):
        notices = Notice.objects.select_related("issued_by", "case", "pdf")
    return render(
        request,
        "doc_templates/index.html",
        {
            "page_title": "通知文书",
            "header_icon": "doc-full",
            "cases": cases,
            "notices": notices[:50],
            "can_issue": actions.can_issue(request.user),
        },
    )


def case_notices(request, case_id):
    """From a case: preview (草稿), issue, download, and print the record form."""
    case = _visible_case(request, case_id)
    form = NoticeForm(request.POST or None, initial=_initial_kind(case))
    if request.method == "POST" and form.is_valid():
        kind, options = form.cleaned_data["kind"], form.options()
        try:
            if "issue" in request.POST:
                notice = actions.issue_notice(
                    kind, request.user, case=case, options=options, request=request
                )
                messages.success(
                    request, f"已签发 {notice.get_kind_display()}，文号 {notice.number}。"
                )
                return redirect("doc_templates:notice", pk=notice.pk)
            data = actions.preview_notice(
                kind, request.user, case=case, options=options, request=request
            )
            return docx_response(data, f"草稿-{NoticeKind(kind).label}-{case.number}.docx")
        except PermissionDenied as error:
            messages.error(request, str(error))
        except ValidationError as error:
            form.add_error(None, error)
    return render(
        request,
        "doc_templates/case.html",
        {
            "page_title": f"案件 {case.number} 的文书",
            "header_icon": "doc-full",
            "case": case,
            "form": form,
            "notices": case.notices.select_related("issued_by", "pdf").order_by("-issued_at"),
            "can_issue": actions.can_issue(request.user),
        },
    )


def _initial_kind(case):
    topic = case.topic.name if case.topic_id else ""
    if case.kind == Case.Kind.DISPUTE:
        return {"kind": NoticeKind.TRI_PARTY}
    if "摆放" in topic or "堆" in topic:
        return {"kind": NoticeKind.CLUTTER_REMINDER}
    return {"kind": NoticeKind.RECTIFICATION}


def case_record(request, case_id):
    case = _visible_case(request, case_id)
    kind, data = actions.print_case_record(case, request.user, request=request)
    return docx_response(data, f"{NoticeKind(kind).label}-{case.number}.docx")


def notice_detail(request, pk):
    notice = _visible_notice(request, pk)
    delivery_form = DeliveryForm(request.POST or None, request.FILES or None, prefix="delivery")
    if request.method == "POST" and delivery_form.is_valid():
        data = delivery_form.cleaned_data
        try:
            actions.record_delivery(
                notice,
                request.user,
                data["method"],
                delivered_at=data["delivered_at"],
                signer_name=data["signer_name"],
                witnesses=data["witnesses"],
                witness_organisation=data["witness_organisation"],
                note=data["note"],
                photos=data["photos"],
            )
            messages.success(request, "送达情况已登记。")
            return redirect("doc_templates:notice", pk=notice.pk)
        except ValidationError as error:
            delivery_form.add_error(None, error)
    return render(
        request,
        "doc_templates/notice.html",
        {
            "page_title": f"{notice.get_kind_display()} {notice.number}",
            "header_icon": "doc-full",
            "notice": notice,
            "notice_pdf": NoticePdf.objects.filter(notice=notice).first(),
            "deliveries": notice.deliveries.prefetch_related("photos"),
            "delivery_form": delivery_form,
            "can_issue": actions.can_issue(request.user),
        },
    )


def notice_download(request, pk):
    notice = _visible_notice(request, pk)
    return FileResponse(
        notice.file.open("rb"), as_attachment=True, filename=notice.download_name, content_type=DOCX
    )


def notice_download_pdf(request, pk):
    notice = _visible_notice(request, pk)
    pdf = NoticePdf.objects.filter(notice=notice).exclude(file="").first()
    if pdf is None:
        raise Http404("该文书没有签名PDF。")
    return FileResponse(
        pdf.file.open("rb"),
        as_attachment=True,
        filename=pdf.download_name,
        content_type="application/pdf",
    )


def notice_correct(request, pk):
    notice = _visible_notice(request, pk)
    if not actions.can_issue(request.user):
        raise PermissionDenied("只有具备签发权限的经理可以更正文书。")
    initial = {"kind": notice.kind}
    form = CorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            new = actions.correct_notice(
                notice,
                request.user,
                options=form.options(),
                reason=form.cleaned_data["reason"],
                request=request,
            )
            messages.success(
                request, f"已签发更正文书 {new.number}，原文书 {notice.number} 已作废。"
            )
            return redirect("doc_templates:notice", pk=new.pk)
        except ValidationError as error:
            form.add_error(None, error)
    return render(
        request,
        "doc_templates/correct.html",
        {
            "page_title": f"更正 {notice.number}",
            "header_icon": "edit",
            "notice": notice,
            "form": form,
        },
    )


def verify(request):
    """Upload a copy: does it match an issued notice, and which one?"""
    form = VerifyForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > 20 * 1024 * 1024:
            form.add_error("file", "文件过大，无法核验。")
        else:
            notice, message = actions.verify_copy(upload.read(), upload.name)
            result = {"notice": notice, "message": message, "ok": notice is not None}
    return render(
        request,
        "doc_templates/verify.html",
        {"page_title": "核验文书", "header_icon": "success", "form": form, "result": result},
    )


def templates(request):
    _require(request.user, "doc_templates.view_templateversion")
    form = TemplateUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = actions.upload_template_version(
                form.cleaned_data["kind"],
                form.cleaned_data["file"],
                request.user,
                note=form.cleaned_data["note"],
            )
            messages.success(request, f"已保存为{version}。")
            return redirect("doc_templates:templates")
        except (ValidationError, PermissionDenied) as error:
            form.add_error(
                "file", error.messages if isinstance(error, ValidationError) else str(error)
            )
    return render(
        request,
        "doc_templates/templates.html",
        {
            "page_title": "文书模板",
            "header_icon": "doc-empty",
            "form": form,
            "versions": TemplateVersion.objects.select_related("uploaded_by"),
        },
    )


def template_download(request, pk):
    _require(request.user, "doc_templates.view_templateversion")
    version = get_object_or_404(TemplateVersion, pk=pk)
    return FileResponse(
        version.file.open("rb"),
        as_attachment=True,
        filename=f"{version.get_kind_display()}-第{version.version}版.docx",
        content_type=DOCX,
    )


def _scopes():
    estates = list(Estate.objects.live().order_by("path"))
    buildings = list(Building.objects.live().order_by("path"))
    return sorted([*estates, *buildings], key=lambda page: page.path)


def batch_start(request):
    if not actions.can_issue(request.user):
        raise PermissionDenied("只有具备签发权限的经理可以批量签发。")
    form = BatchForm(request.POST or None, scopes=_scopes())
    if request.method == "POST" and form.is_valid():
        try:
            batch = actions.start_batch(
                form.cleaned_data["scope"], form.cleaned_data["topic"], request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            start_job(
                "notice_batch",
                request.user,
                label=f"批量三方温馨提示：{batch.scope.title}（{batch.topic}）",
                batch_id=batch.pk,
            )
            return redirect("doc_templates:batch", pk=batch.pk)
    return render(
        request,
        "doc_templates/batch_start.html",
        {
            "page_title": "批量三方温馨提示",
            "header_icon": "group",
            "form": form,
            "batches": NoticeBatch.objects.select_related("scope")[:20],
        },
    )


def _own_batch(request, pk):
    if not actions.can_issue(request.user):
        raise PermissionDenied("只有具备签发权限的经理可以查看批量任务。")
    return get_object_or_404(NoticeBatch.objects.select_related("scope"), pk=pk)


def batch_detail(request, pk):
    batch = _own_batch(request, pk)
    job = batch_job(batch)
    if request.method == "POST" and job is not None and job.can_retry:
        retry(job)
        messages.success(request, "批量任务已重新排队，将从中断处继续，已签发的业户不会重复签发。")
        return redirect("doc_templates:batch", pk=batch.pk)
    issued = Notice.objects.filter(batch=batch).select_related("household").order_by("serial")
    return render(
        request,
        "doc_templates/batch.html",
        {
            "page_title": f"批量三方温馨提示：{batch.scope.title}",
            "header_icon": "group",
            "batch": batch,
            "job": job,
            "issued": issued if batch.status != NoticeBatch.Status.DONE else None,
            "status_url": reverse("doc_templates:batch_status", args=[batch.pk]),
        },
    )


def batch_status(request, pk):
    batch = _own_batch(request, pk)
    return JsonResponse(
        {
            "status": batch.status,
            "status_label": batch.get_status_display(),
            "done": batch.done,
            "total": batch.total,
            "percent": batch.percent,
            "error": batch.error,
        }
    )


def batch_download(request, pk):
    batch = _own_batch(request, pk)
    if not batch.archive:
        raise Http404("压缩包尚未生成。")
    return FileResponse(
        batch.archive.open("rb"),
        as_attachment=True,
        filename=f"三方温馨提示-{batch.scope.title}-{batch.topic}.zip",
    )
