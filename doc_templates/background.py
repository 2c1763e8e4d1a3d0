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
