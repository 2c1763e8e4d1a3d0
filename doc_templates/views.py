"""Admin views for notices (mounted under /admin/notices/ by wagtail_hooks).

Listings (issued notices, template versions, batches) are Wagtail generic views in
``doc_templates/listings.py``; the views here are the screens a generic view cannot
express, each saying why in its docstring.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from cases.models import Case
from cases.policy import can_view_case
from cms.archives.models import Building, Estate
from core.downloads import DOCX, PDF, ZIP, download_response
from doc_templates import actions, policy
from doc_templates.background import batch_job, notice_pdf_job
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
from doc_templates.values import guess_source
from jobs.runner import retry, start_job


def _visible_case(request, case_id):
    if not policy.can_view_notices(request.user):
        raise PermissionDenied("您没有查看文书的权限。")
    case = get_object_or_404(Case.objects.select_related("household", "topic"), pk=case_id)
    if not can_view_case(request.user, case):
        raise PermissionDenied("您无权查看该案件。")
    return case


def _visible_notice(request, pk):
    related = ("case", "issued_by", "household", "template_version")
    notice = get_object_or_404(Notice.objects.select_related(*related), pk=pk)
    if not policy.can_view_notice(request.user, notice):
        raise PermissionDenied("您无权查看该文书。")
    return notice


def _addressable(user, case):
    """Households offered as addressee: the case's estate when it has one."""
    households = policy.addressable_households(user).order_by("path")
    if case.household_id:
        estate_path = case.household.path[: -2 * case.household.steplen]
        households = households.filter(path__startswith=estate_path)
    return households


def _initial(case):
    initial = {"source": guess_source(case)}
    if case.kind == Case.Kind.VIOLATION and case.household_id:
        initial["addressee_household"] = case.household_id
    return initial


def case_notices(request, case_id):
    """Custom: one form whose fields follow the chosen kind, with preview (草稿), a
    confirmation step before 签发, and the record form to print."""
    case = _visible_case(request, case_id)
    form = NoticeForm(
        request.POST or None, initial=_initial(case), households=_addressable(request.user, case)
    )
    if request.method == "POST" and form.is_valid():
        kind, options = form.cleaned_data["kind"], form.options()
        try:
            if "issue" in request.POST:
                return _issue_or_confirm(request, case, form, kind, options)
            data = actions.preview_notice(
                kind,
                request.user,
                case=case,
                household=form.household,
                options=options,
                request=request,
            )
            return download_response(
                data, f"草稿-{NoticeKind(kind).label}-{case.number}.docx", DOCX
            )
        except PermissionDenied as error:
            messages.error(request, str(error))
        except ValidationError as error:
            _add_errors(form, error)
    return render(
        request,
        "doc_templates/case.html",
        {
            "page_title": f"案件 {case.number} 的文书",
            "header_icon": "doc-full",
            "case": case,
            "form": form,
            "notices": case.notices.select_related("issued_by", "pdf").order_by("-issued_at"),
            "can_issue": policy.can_issue(request.user),
        },
    )


def _add_errors(form, error):
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _issue_or_confirm(request, case, form, kind, options):
    if not policy.can_issue(request.user):
        raise PermissionDenied("只有具备签发权限的客服中心经理可以签发文书。")
    if "confirm" not in request.POST:
        household = actions.notice_household(kind, case, form.household)
        actions.check_addressee(kind, household, options)
        actions.check_facts(kind, case, options)
        return render(
            request,
            "doc_templates/confirm.html",
            {
                "page_title": "确认签发",
                "header_icon": "warning",
                "case": case,
                "form": form,
                "summary": actions.issue_summary(kind, request.user, case, household, options),
            },
        )
    notice = actions.issue_notice(
        kind, request.user, case=case, household=form.household, options=options, request=request
    )
    messages.success(request, f"已签发 {notice.get_kind_display()}，文号 {notice.number}。")
    return redirect("doc_templates:notice", pk=notice.pk)


def case_record(request, case_id):
    """Custom: a generated file, not a screen."""
    case = _visible_case(request, case_id)
    kind, data = actions.print_case_record(case, request.user, request=request)
    return download_response(data, f"{NoticeKind(kind).label}-{case.number}.docx", DOCX)


def notice_detail(request, pk):
    """Custom: the frozen notice with its delivery records and the form to add one."""
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
    notice_pdf = NoticePdf.objects.filter(notice=notice).first()
    pdf_job = notice_pdf_job(notice)
    return render(
        request,
        "doc_templates/notice.html",
        {
            "page_title": f"{notice.get_kind_display()} {notice.number}",
            "header_icon": "doc-full",
            "notice": notice,
            "notice_pdf": notice_pdf,
            "pdf_job": pdf_job,
            "pdf_pending": notice_pdf is None and pdf_job is not None and pdf_job.unfinished,
            "original_allowed": policy.may_have_issued_copy(request.user, notice),
            "deliveries": notice.deliveries.prefetch_related("photos"),
            "delivery_form": delivery_form,
            "can_issue": policy.can_issue(request.user),
        },
    )


def notice_pdf_retry(request, pk):
    """Custom: a POST button on the notice page after its PDF failed."""
    notice = _visible_notice(request, pk)
    if request.method == "POST":
        try:
            actions.retry_signed_pdf(notice, request.user)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, f"已重新开始生成 {notice.number} 的签名PDF。")
    return redirect("doc_templates:notice", pk=notice.pk)


def notice_download(request, pk):
    """Custom: the frozen file for readers of the archive, a copy without the owner's
    name for anyone else; both registered."""
    notice = _visible_notice(request, pk)
    data, original = actions.copy_for(notice, request.user, request=request)
    name = (
        notice.download_name
        if original
        else notice.download_name.replace(".docx", "（隐去姓名副本）.docx")
    )
    return download_response(data, name, DOCX)


def notice_download_pdf(request, pk):
    """Custom: the signed PDF cannot be re-made without the name, so it goes to readers
    of the archive only."""
    notice = _visible_notice(request, pk)
    pdf = NoticePdf.objects.filter(notice=notice).exclude(file="").first()
    if pdf is None:
        raise Http404("该文书没有签名PDF。")
    if not policy.may_have_issued_copy(request.user, notice):
        raise PermissionDenied("签名PDF载有业主姓名，须持有该业户档案的查阅授权才能下载。")
    policy.register_reading(request.user, policy.households_of_notice(notice), request)
    return download_response(pdf.file.open("rb"), pdf.download_name, PDF)


def notice_correct(request, pk):
    """Custom: a new notice issued from an old one, with the reason."""
    notice = _visible_notice(request, pk)
    if not policy.can_issue(request.user):
        raise PermissionDenied("只有具备签发权限的经理可以更正文书。")
    form = CorrectionForm(request.POST or None, initial={"kind": notice.kind})
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
            _add_errors(form, error)
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
    """Custom: an upload checked against the register, not a model form."""
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


def template_upload(request):
    """Custom: uploading a version runs the template checks of actions.upload_template_version."""
    if not policy.can_manage_templates(request.user):
        raise PermissionDenied("您没有查看文书模板的权限。")
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
            return redirect("notice_templates:index")
        except (ValidationError, PermissionDenied) as error:
            form.add_error(
                "file", error.messages if isinstance(error, ValidationError) else str(error)
            )
    return render(
        request,
        "doc_templates/template_upload.html",
        {"page_title": "上传文书模板", "header_icon": "doc-empty", "form": form},
    )


def template_download(request, pk):
    """Custom: a file, not a screen (core/downloads), for those who manage templates."""
    if not policy.can_manage_templates(request.user):
        raise PermissionDenied("您没有查看文书模板的权限。")
    version = get_object_or_404(TemplateVersion, pk=pk)
    name = f"{version.get_kind_display()}-第{version.version}版.docx"
    return download_response(version.file.open("rb"), name, DOCX)


def _scopes():
    estates = list(Estate.objects.live().order_by("path"))
    buildings = list(Building.objects.live().order_by("path"))
    return sorted([*estates, *buildings], key=lambda page: page.path)


def batch_start(request):
    """Custom: a form that starts the batch as a background job, then follows it on its
    own page."""
    if not policy.can_issue(request.user):
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
        {"page_title": "新建批量三方温馨提示", "header_icon": "group", "form": form},
    )


def _own_batch(request, pk):
    if not policy.can_issue(request.user):
        raise PermissionDenied("只有具备签发权限的经理可以查看批量任务。")
    return get_object_or_404(NoticeBatch.objects.select_related("scope"), pk=pk)


def batch_detail(request, pk):
    """Custom: a live progress bar polling batch_status, and a retry after a failure."""
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
    """Custom: the JSON the progress bar polls."""
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
    """Custom: the zip asks the notice policy again for the one who downloads and
    registers the reading (actions.batch_download_for)."""
    batch = _own_batch(request, pk)
    if not batch.archive:
        raise Http404("压缩包尚未生成。")
    content = actions.batch_download_for(batch, request.user, request=request)
    if content is not None:
        name = f"三方温馨提示-{batch.scope.title}-{batch.topic}.zip"
        return download_response(content, name, ZIP)
    start_job("notice_batch_copy", by=request.user, batch_id=batch.pk, user_id=request.user.pk)
    messages.info(
        request,
        "您无权查阅其中部分业户档案：隐去业主姓名的副本正在后台生成，"
        "完成后请在「设置 › 后台任务」下载（仅您本人可下载）。",
    )
    return redirect("background_jobs:index")
