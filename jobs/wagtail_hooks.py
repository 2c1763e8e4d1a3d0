"""后台任务 in the admin (设置 › 后台任务): every job with its progress bar, result or
failure reason in Chinese, a retry button for failed or interrupted jobs, and the file
a report job produced."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from core.downloads import download_response
from jobs.models import BackgroundJob
from jobs.registry import JOB_KINDS
from jobs.runner import retry


class ViewOnlyPolicy(ModelPermissionPolicy):
    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)


register_permission_policy(BackgroundJob, ViewOnlyPolicy(BackgroundJob), exact_class=True)


def may_see(user, job):
    return (
        user.is_superuser
        or job.created_by_id == user.pk
        or user.has_perm("jobs.view_backgroundjob")
    )


class ProgressColumn(Column):
    def get_value(self, job):
        return format_html(
            '<progress max="100" value="{}" style="width:8rem"></progress> {}/{}（{}%）',
            job.percent,
            job.done,
            job.total,
            job.percent,
        )


class OutcomeColumn(Column):
    def get_value(self, job):
        parts = []
        if job.error:
            parts.append(format_html('<span class="error-message">{}</span>', job.error))
        elif job.summary:
            parts.append(job.summary)
        if job.result_file and may_download(self.user, job):
            url = reverse("jobs_file", args=[job.pk])
            parts.append(format_html('<a class="button button-small" href="{}">下载结果</a>', url))
        if job.can_retry:
            parts.append(
                format_html(
                    '<form method="post" action="{}" style="display:inline">'
                    '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
                    '<button class="button button-small" type="submit">重试</button></form>',
                    reverse("jobs_retry", args=[job.pk]),
                    self.csrf_token,
                )
            )
        return format_html("　".join(["{}"] * len(parts)), *parts) if parts else "—"

    def get_cell_context_data(self, instance, parent_context):
        from django.middleware.csrf import get_token

        self.csrf_token = get_token(parent_context["request"])
        self.user = parent_context["request"].user
        return super().get_cell_context_data(instance, parent_context)


class TimeColumn(Column):
    def get_value(self, job):
        value = getattr(job, self.name)
        return timezone.localtime(value).strftime("%m-%d %H:%M:%S") if value else "—"


class BackgroundJobViewSet(ModelViewSet):
    model = BackgroundJob
    icon = "tasks"
    menu_label = "后台任务"
    add_to_settings_menu = True
    inspect_view_enabled = False
    copy_view_enabled = False
    form_fields = ["label"]
    list_filter = ["status", "task_name"]
    list_display = [
        "label",
        Column("get_status_display", label="状态"),
        ProgressColumn("progress", label="进度"),
        OutcomeColumn("outcome", label="结果"),
        Column("attempts", label="执行次数"),
        TimeColumn("created_at", label="发起时间"),
        TimeColumn("finished_at", label="完成时间"),
    ]


@hooks.register("register_admin_viewset")
def register_job_viewset():
    return BackgroundJobViewSet("background_jobs", url_prefix="jobs")


@require_POST
def retry_job(request, pk):
    job = get_object_or_404(BackgroundJob, pk=pk)
    if not may_see(request.user, job):
        raise PermissionDenied("您无权重试此任务。")
    try:
        retry(job)
    except ValidationError as refusal:
        messages.error(request, "；".join(refusal.messages))
    else:
        messages.success(request, f"「{job.label}」已重新排队，将从中断处继续。")
    return redirect("background_jobs:index")


def may_download(user, job):
    kind = JOB_KINDS.get(job.task_name)
    if kind is not None and kind.private:
        return job.created_by_id == user.pk
    return may_see(user, job)


def job_file(request, pk):
    job = get_object_or_404(BackgroundJob, pk=pk)
    if not may_download(request.user, job) or not job.result_file:
        raise Http404("没有可下载的结果。")
    name = job.result_file.name.rsplit("/", 1)[-1]
    return download_response(job.result_file.open("rb"), name)


@hooks.register("register_admin_urls")
def job_urls():
    return [
        path("jobs/<int:pk>/retry/", retry_job, name="jobs_retry"),
        path("jobs/<int:pk>/file/", job_file, name="jobs_file"),
    ]
