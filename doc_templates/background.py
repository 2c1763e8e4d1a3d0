"""The long notice jobs: a batch of tri-party notices and a signed PDF."""

from django.conf import settings

from jobs.models import BackgroundJob
from jobs.registry import background_job


@background_job("notice_batch", "批量三方温馨提示")
def issue_notice_batch(progress, batch_id):
    from doc_templates.actions import run_batch
    from doc_templates.models import NoticeBatch

    batch = NoticeBatch.objects.select_related("scope").get(pk=batch_id)
    batch = run_batch(batch, progress=progress, with_pdf=settings.NOTICE_PDF_ENABLED)
    return f"{batch.scope.title}：已签发 {batch.done} 份三方温馨提示（{batch.topic}）"


@background_job("notice_pdf", "生成签名PDF", urgent=True)
def make_notice_pdf(progress, notice_id):
    from doc_templates.actions import make_signed_pdf
    from doc_templates.models import Notice, NoticePdf

    notice = Notice.objects.get(pk=notice_id)
    progress(0, 1)
    record = NoticePdf.objects.filter(notice=notice).first() or make_signed_pdf(notice)
    progress(1, 1)
    return record.error or f"{notice.number} 的签名PDF已生成"


@background_job(
    "notice_batch_copy", "批量文书副本（隐去无权查阅的业主姓名）", urgent=True, private=True
)
def build_batch_copy(progress, batch_id, user_id):
    """The zip of a batch for someone who may not read every household in it: each notice
    they may not see is re-masked for them here, not in their request."""
    from django.contrib.auth import get_user_model

    from doc_templates.actions import batch_copy_for
    from doc_templates.models import NoticeBatch

    batch = NoticeBatch.objects.select_related("scope").get(pk=batch_id)
    user = get_user_model().objects.get(pk=user_id)
    progress.attach(batch_copy_name(batch), batch_copy_for(batch, user, progress=progress))
    return f"{batch.scope.title}：三方温馨提示副本已生成（仅发起人本人可下载）"


def batch_copy_name(batch):
    return f"三方温馨提示-{batch.scope.title}-{batch.topic}-副本.zip"


def batch_job(batch):
    """The background job running a notice batch, if it was started as one."""
    return (
        BackgroundJob.objects.filter(task_name="notice_batch", arguments__batch_id=batch.pk)
        .order_by("-pk")
        .first()
    )


def notice_pdf_job(notice):
    """The latest background job making ``notice``'s signed PDF, if any."""
    return (
        BackgroundJob.objects.filter(task_name="notice_pdf", arguments__notice_id=notice.pk)
        .order_by("-pk")
        .first()
    )
