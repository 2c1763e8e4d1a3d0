"""Every state change of notices: preview, issue, correct, deliver, verify, batch.

Views, the management command and tests all call these functions.
"""

import io
import logging
import zipfile

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from cms.archives.models import HouseholdArchive, attach_parents
from core.numbering import next_number
from core.people import display_name
from doc_templates.filling import add_draft_watermark, fill_document, open_document, render
from doc_templates.kinds import ADDRESSED_KINDS, NUMBER_SERIES, RECORD_KINDS, NoticeKind
from doc_templates.models import (
    Delivery,
    DeliveryPhoto,
    Notice,
    NoticeBatch,
    NoticePdf,
    TemplateVersion,
    sha256_of,
)
from doc_templates.policy import can_issue, register_reading
from doc_templates.values import (
    NUMBER_PENDING,
    NoticeOptions,
    masked_values,
    notice_values,
)

logger = logging.getLogger(__name__)

# The mark across every page of a copy handed out with the owner's name hidden.
MASKED_COPY_MARK = "副本"


def format_notice_number(series, year, serial):
    """文号 in the configured form, by default 〔2026〕整改第3号."""
    return settings.NOTICE_NUMBER_FORMAT.format(series=series, year=year, serial=serial)


def notice_household(kind, case, household):
    """The household a notice is about. A notice ordering someone to put things right
    goes to the household the issuer chose; only a violation case's own household is
    the offender by default (a complaint's household is the complainant's)."""
    if household is not None or case is None:
        return household
    if kind in ADDRESSED_KINDS and case.kind != "violation":
        return None
    return case.household


def _check_kind(kind, case):
    if kind in RECORD_KINDS:
        raise ValidationError("记录表用于打印，不需要签发。")
    if kind == NoticeKind.CLUTTER_REMINDER and case is None:
        raise ValidationError("堆物温馨提示须从案件签发，以便计入提示次数。")


def check_addressee(kind, household, options):
    if kind not in ADDRESSED_KINDS:
        return
    free_text = options.addressee.strip()
    if household is not None and free_text:
        raise ValidationError(
            {"addressee": "已选择收件业户，不能另填收件人；无档案时才填写收件人。"}
        )
    if household is None and not free_text:
        raise ValidationError(
            {
                "addressee_household": "请选择收件业户（应整改的一方）；对方无业户档案时，请填写收件人。"
            }
        )


# Kinds whose facts name what the addressee must put right, and the option that states them.
FACTS_OPTION = {
    NoticeKind.RECTIFICATION: "facts",
    NoticeKind.VIOLATION_TICKET: "facts",
    NoticeKind.CLUTTER_REMINDER: "items",
}


def check_facts(kind, case, options):
    """A complaint's or dispute's case text is the caller's own account, often naming the
    caller; the notice to the other party states what the centre verified instead."""
    option = FACTS_OPTION.get(kind)
    if option is None or case is None or not case.is_reported_by_a_caller:
        return
    if not getattr(options, option).strip():
        label = "违规事实" if option == "facts" else "堆放物品"
        raise ValidationError(
            {
                option: f"投诉、纠纷的案件内容是来电人的原话，不宜写进发给对方的文书："
                f"请写明核实后的{label}。"
            }
        )


def issue_summary(kind, by, case, household, options):
    """What the manager confirms before 签发: kind, addressee as the notice will name
    it, case, and the number series with the number it will most likely get."""
    from core.models import NumberSequence
    from doc_templates.policy import shows_owner
    from doc_templates.values import addressee_of

    year = timezone.localdate().year
    series = NUMBER_SERIES[kind]
    last = (
        NumberSequence.objects.filter(series=series, year=year)
        .values_list("last_number", flat=True)
        .first()
    )
    return {
        "kind": NoticeKind(kind).label,
        "addressee": addressee_of(household, options, by) or "各位住户",
        "name_hidden": household is not None and not shows_owner(by, household),
        "case": case.number if case is not None else "—",
        "series": f"{series}（{year}年度，按签发先后连续编号）",
        "next_number": format_notice_number(series, year, (last or 0) + 1),
    }


def _ready_to_fill(kind, case, household, options):
    """What a preview and an issue check alike before filling: the kind suits the case, the
    addressee and the facts are there. Returns the options, the household addressed and
    the current template version."""
    _check_kind(kind, case)
    options = options or NoticeOptions()
    household = notice_household(kind, case, household)
    check_addressee(kind, household, options)
    check_facts(kind, case, options)
    return options, household, TemplateVersion.objects.current(kind)


def preview_notice(kind, by, *, case=None, household=None, options=None, request=None):
    """The notice as it would be issued, watermarked 草稿, without a number; nothing is stored."""
    options, household, template = _ready_to_fill(kind, case, household, options)
    ordinal = case.reminders.count() + 1 if kind == NoticeKind.CLUTTER_REMINDER else 1
    values = notice_values(
        kind,
        number=NUMBER_PENDING,
        today=timezone.localdate(),
        issuer=by,
        case=case,
        household=household,
        options=options,
        ordinal=min(ordinal, 3),
    )
    register_reading(by, [household], request)
    return render(template.read_bytes(), values, draft=True)


def print_case_record(case, by, request=None):
    """The printable 顾客投诉处理记录表 / 邻里纠纷处理记录表 of a case, from its timeline,
    with owner names only for readers of their archives."""
    kind = NoticeKind.COMPLAINT_RECORD if case.kind == "complaint" else NoticeKind.DISPUTE_RECORD
    template = TemplateVersion.objects.current(kind)
    values = notice_values(
        kind, number="", today=timezone.localdate(), issuer=by, case=case, options=None
    )
    households = [case.household]
    if kind == NoticeKind.DISPUTE_RECORD:
        parties = case.parties.exclude(household=None).select_related("household")
        households += [party.household for party in parties]
    register_reading(by, households, request)
    return kind, render(template.read_bytes(), values)


def issue_notice(
    kind,
    by,
    *,
    case=None,
    household=None,
    options=None,
    supersedes=None,
    correction_reason="",
    batch=None,
    request=None,
):
    """签发: number the notice, fill it from the current template version and freeze the
    result (file, SHA-256, number, issuer, time, case, template version). Only users
    with the issue permission may do it."""
    if not can_issue(by):
        raise PermissionDenied("只有具备签发权限的客服中心经理可以签发文书。")
    options, household, template = _ready_to_fill(kind, case, household, options)
    template_bytes = template.read_bytes()
    with transaction.atomic():
        if supersedes is not None:
            supersedes = Notice.objects.select_for_update().get(pk=supersedes.pk)
            if supersedes.is_superseded:
                raise ValidationError(f"文书 {supersedes.number} 已被更正过，请更正最新的文书。")
            if not correction_reason.strip():
                raise ValidationError("更正文书须填写更正原因。")
        ordinal = 1
        if kind == NoticeKind.CLUTTER_REMINDER:
            from cases.actions import add_warm_reminder

            ordinal = add_warm_reminder(case, by)
        now = timezone.now()
        year = timezone.localtime(now).year
        series = NUMBER_SERIES[kind]
        serial = next_number(series, year)
        number = format_notice_number(series, year, serial)
        values = notice_values(
            kind,
            number=number,
            today=timezone.localtime(now).date(),
            issuer=by,
            case=case,
            household=household,
            options=options,
            ordinal=ordinal,
        )
        data = render(template_bytes, values)
        notice = Notice(
            kind=kind,
            number=number,
            year=year,
            serial=serial,
            case=case,
            household=household,
            template_version=template,
            values=values,
            sha256=sha256_of(data),
            issued_by=by,
            issued_at=now,
            supersedes=supersedes,
            correction_reason=correction_reason,
            batch=batch,
        )
        notice.file.save(f"{number}.docx", ContentFile(data), save=False)
        notice.save()
        log(notice, "doc_templates.issue", user=by)
        if supersedes is not None:
            log(supersedes, "doc_templates.correct", user=by, data={"by": number})
        if case is not None:
            _add_case_step(case, by, notice)
        register_reading(by, [household], request)
        if settings.NOTICE_PDF_ENABLED and batch is None:
            queue_signed_pdf(notice, by)
    return notice


def queue_signed_pdf(notice, by):
    """The signed PDF is made by the background worker once the notice is committed:
    LibreOffice takes seconds, and the manager who issued it should not wait for it."""
    from jobs.runner import start_job

    return start_job("notice_pdf", by, label=f"生成签名PDF：{notice.number}", notice_id=notice.pk)


def retry_signed_pdf(notice, by):
    """Make the PDF again after a failure (LibreOffice missing, no certificate yet…):
    the failure is forgotten and the conversion queued once more."""
    from doc_templates.background import notice_pdf_job

    if not can_issue(by):
        raise PermissionDenied("只有具备签发权限的客服中心经理可以重新生成签名PDF。")
    with transaction.atomic():
        Notice.objects.select_for_update().filter(pk=notice.pk).first()
        record = NoticePdf.objects.filter(notice=notice).first()
        if record is not None and record.produced:
            raise ValidationError(f"文书 {notice.number} 的签名PDF已生成，无需重新生成。")
        job = notice_pdf_job(notice)
        if job is not None and job.unfinished:
            raise ValidationError(f"文书 {notice.number} 的签名PDF正在生成，请稍候。")
        NoticePdf.objects.forget_failure(notice)
        return queue_signed_pdf(notice, by)


def make_signed_pdf(notice):
    """Convert the issued .docx to PDF, sign it and freeze it beside the notice. Runs
    after the notice is committed so the numbering lock is not held during the
    conversion; a failure leaves a record saying why, in Chinese."""
    from doc_templates.pdf import (
        PdfNotProduced,
        certificate_name,
        configured_signer,
        convert_to_pdf,
        sign_pdf,
    )

    record = NoticePdf(notice=notice)
    try:
        signer = configured_signer()  # first: without a certificate, do not convert at all
        signed = sign_pdf(
            convert_to_pdf(notice.read_bytes()),
            reason=f"签发{notice.get_kind_display()} {notice.number}",
            signer=signer,
        )
    except PdfNotProduced as error:
        record.error = str(error)
    except Exception:
        # The notice is already issued; an unexpected conversion or signing fault must
        # not turn that into an error page.
        logger.exception("PDF of notice %s not produced", notice.number)
        record.error = "生成或签名PDF时出错，未生成PDF；Word 文书已正常签发，请报告管理员。"
    else:
        record.sha256 = sha256_of(signed)
        record.signer = certificate_name(signer.signing_cert)
        record.file.save(f"{notice.number}.pdf", ContentFile(signed), save=False)
    record.save()
    log(notice, "doc_templates.pdf", data={"error": record.error})
    return record


def _add_case_step(case, by, notice):
    from cases.actions import add_timeline_step

    action = f"签发{notice.get_kind_display()}"
    note = f"文号 {notice.number}"
    if notice.supersedes_id:
        note += f"，更正并取代 {notice.supersedes.number}（{notice.correction_reason}）"
    add_timeline_step(case, action, by, note)


def correct_notice(old, by, *, options, reason, request=None):
    """A correction is a new notice of the same kind that supersedes the old one."""
    return issue_notice(
        old.kind,
        by,
        case=old.case,
        household=old.household,
        options=options,
        supersedes=old,
        correction_reason=reason,
        request=request,
    )


def copy_for(notice, user, request=None):
    """(content, is the frozen original) of an issued notice for ``user``: the frozen
    file (opened for streaming) for readers of the archive (or when it names no owner), otherwise a copy
    filled from the same template version with the owner's name hidden and 副本
    across every page. Either way the reading is registered."""
    from doc_templates.policy import households_of_notice, may_have_issued_copy

    register_reading(user, households_of_notice(notice), request)
    if may_have_issued_copy(user, notice):
        return notice.file.open("rb"), True
    return masked_copy(notice), False


def masked_copy(notice):
    """The notice filled again from its template version with the owner's name hidden
    and 副本 across every page."""
    document = open_document(notice.template_version.read_bytes())
    fill_document(document, masked_values(notice.values))
    add_draft_watermark(document, text=MASKED_COPY_MARK)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def batch_download_for(batch, user, request=None):
    """The zip as built, for a ``user`` who may have every notice of the batch as issued;
    None for anyone else, whose copy is built in the background (``batch_copy_for``).
    The zip was built with the starter's reading rights; each download is a reading of its
    own, registered here for the one who downloads, from where they asked."""
    from doc_templates.policy import households_with_owners_shown, may_have_issued_copy

    notices = _batch_notices(batch)
    households = [notice.household for notice in notices]
    register_reading(user, households, request)
    shown = households_with_owners_shown(user, households)
    if all(may_have_issued_copy(user, notice, shown) for notice in notices):
        return batch.archive.open("rb")
    return None


def batch_copy_for(batch, user, progress=None):
    """The batch's zip as ``user`` may have it, asking the archive policy again for that
    user now: whoever may not read a household gets that notice as a 副本 with the owner's
    name hidden (and without its signed PDF, which names the owner)."""
    from doc_templates.policy import households_with_owners_shown, may_have_issued_copy

    notices = _batch_notices(batch)
    shown = households_with_owners_shown(user, [notice.household for notice in notices])
    return _batch_zip(
        notices, lambda notice: may_have_issued_copy(user, notice, shown), progress=progress
    )


# Verification -----------------------------------------------------------------


def _match_found(notice, copy, ending):
    """一致: which issued notice the uploaded ``copy`` (文件, PDF) is, by whom and when, and
    whether a correction has since replaced it."""
    issued_at = timezone.localtime(notice.issued_at).strftime("%Y年%m月%d日 %H:%M")
    message = (
        f"一致：该{copy}即已签发的{notice.get_kind_display()}，文号 {notice.number}，"
        f"由{display_name(notice.issued_by)}于{issued_at}签发{ending}"
    )
    if notice.is_superseded:
        message += f"注意：该文书已被更正文书 {notice.superseded_by.number} 取代。"
    return message


def verify_copy(data, name=""):
    """(notice or None, message in Chinese) for an uploaded copy of a notice: the Word
    file or its signed PDF."""
    if data.startswith(b"%PDF"):
        return verify_pdf_copy(data)
    if name.lower().endswith(".pdf"):
        return None, "无法识别：上传的文件名为 .pdf，但内容不是 PDF 文件，可能已损坏或被改名。"
    notice = (
        Notice.objects.matching(data).select_related("issued_by", "case", "superseded_by").first()
    )
    if notice is None:
        try:
            open_document(data)
        except Exception:
            return None, "无法识别：上传的文件不是 Word 文书（.docx）。"
        return None, (
            "未找到匹配：该文件与任何已签发文书都不一致，可能是草稿、被修改过的副本或伪造件。"
        )
    message = _match_found(notice, "文件", "。")
    if not notice.file_is_intact():
        message += "警告：系统存档的文件与登记的指纹不一致，存档可能被改动，请报告管理员。"
    return notice, message


def verify_pdf_copy(data):
    """A PDF matches when its digital signature is intact, made with the configured
    certificate, and the file is byte for byte the signed PDF stored at issue."""
    from doc_templates.pdf import check_signature

    signature = check_signature(data)
    record = NoticePdf.objects.matching(data).first()
    if not signature.readable:
        return None, f"无法识别：{signature.message}"
    if not signature.ok:
        return None, f"不一致：{signature.message}该PDF不能作为已签发文书的有效副本。"
    if record is None:
        return None, (f"未找到匹配：{signature.message}但该文件与系统存档的任何签名PDF都不一致。")
    notice = Notice.objects.select_related("issued_by", "superseded_by").get(pk=record.notice_id)
    return notice, _match_found(notice, "PDF", f"；{signature.message}")


# Delivery ---------------------------------------------------------------------


def record_delivery(
    notice,
    by,
    method,
    *,
    delivered_at=None,
    signer_name="",
    witnesses="",
    witness_organisation="",
    note="",
    photos=(),
):
    """Signed receipt, refusal (photos, witnesses and their organisation) or posting with a
    photo; the step appears on the case timeline."""
    delivery = Delivery(
        notice=notice,
        method=method,
        delivered_at=delivered_at or timezone.now(),
        signer_name=signer_name,
        witnesses=witnesses,
        witness_organisation=witness_organisation,
        note=note,
        recorded_by=by,
    )
    delivery.full_clean()
    if method in (Delivery.Method.REFUSAL, Delivery.Method.POSTING) and not photos:
        label = "拒签" if method == Delivery.Method.REFUSAL else "张贴"
        raise ValidationError({"photos": f"{label}须上传现场照片。"})
    with transaction.atomic():
        delivery.save()
        log(notice, "doc_templates.deliver", user=by, data={"method": method})
        for photo in photos:
            record = DeliveryPhoto(delivery=delivery)
            record.file.save(photo.name, photo, save=False)
            record.save()
        if notice.case_id:
            from cases.actions import add_timeline_step

            add_timeline_step(
                notice.case,
                f"{notice.get_kind_display()}{delivery.get_method_display()}",
                by,
                _delivery_note(delivery),
            )
    return delivery


def _delivery_note(delivery):
    parts = [f"文号 {delivery.notice.number}"]
    if delivery.signer_name:
        parts.append(f"签收人 {delivery.signer_name}")
    if delivery.witnesses:
        parts.append(f"见证人 {delivery.witnesses}（{delivery.witness_organisation}）")
    photos = delivery.photos.count()
    if photos:
        parts.append(f"照片 {photos} 张")
    if delivery.note:
        parts.append(delivery.note)
    return "，".join(parts)


# Batch ------------------------------------------------------------------------


def households_in(scope):
    return HouseholdArchive.objects.live().descendant_of(scope).order_by("path")


def start_batch(scope, topic, by):
    if not can_issue(by):
        raise PermissionDenied("只有具备签发权限的客服中心经理可以批量签发三方温馨提示。")
    total = households_in(scope).count()
    if total == 0:
        raise ValidationError("所选范围内没有业户档案。")
    return NoticeBatch.objects.create(scope=scope, topic=topic, created_by=by, total=total)


def _batch_notice(batch, household, options):
    """The batch's notice for ``household``: the one already issued, or a new one. The
    batch row is locked meanwhile, so a resumed run and a late worker never both issue."""
    with transaction.atomic():
        NoticeBatch.objects.select_for_update().get(pk=batch.pk)
        existing = Notice.objects.filter(batch=batch, household=household).first()
        if existing is not None:
            return existing
        return issue_notice(
            NoticeKind.TRI_PARTY,
            batch.created_by,
            household=household,
            options=options,
            batch=batch,
        )


def _batch_notices(batch):
    notices = list(
        Notice.objects.filter(batch=batch)
        .select_related("household", "pdf", "template_version")
        .order_by("serial")
    )
    attach_parents([notice.household for notice in notices])
    return notices


def _batch_zip(notices, issued_copy_allowed=lambda notice: True, progress=None):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for done, notice in enumerate(notices, start=1):
            if progress is not None:
                progress(done - 1, len(notices))
            household = notice.household
            stem = f"{notice.number}-{household.building.title}{household.title}".replace(" ", "")
            if not issued_copy_allowed(notice):
                archive.writestr(f"{stem}-副本.docx", masked_copy(notice))
                continue
            archive.writestr(f"{stem}.docx", notice.read_bytes())
            pdf = getattr(notice, "pdf", None)
            if pdf is not None and pdf.file:
                archive.writestr(f"{stem}.pdf", pdf.file.read())
    if progress is not None:
        progress(len(notices), len(notices))
    return buffer.getvalue()


def run_batch(batch, progress=None, with_pdf=False):
    """Issue a tri-party reminder to each household of the batch's scope, each registered
    as a notice (with its signed PDF when ``with_pdf``), and collect the files in one zip.
    ``progress(done, total)`` is called after each household.

    Each notice is issued in its own transaction and households that already have one
    from this batch are skipped, so a run cut off half-way (a killed worker) is simply
    run again: it carries on, and no household gets a second notice."""
    NoticeBatch.objects.filter(pk=batch.pk).update(status=NoticeBatch.Status.RUNNING, error="")
    options = NoticeOptions(topic=batch.topic)
    households = list(attach_parents(households_in(batch.scope)))
    try:
        for done, household in enumerate(households, start=1):
            notice = _batch_notice(batch, household, options)
            if with_pdf and not NoticePdf.objects.filter(notice=notice).exists():
                make_signed_pdf(notice)
            NoticeBatch.objects.filter(pk=batch.pk).update(done=done, total=len(households))
            if progress:
                progress(done, len(households))
    except Exception as error:
        NoticeBatch.objects.filter(pk=batch.pk).update(
            status=NoticeBatch.Status.FAILED, error=str(error), finished_at=timezone.now()
        )
        raise
    batch.refresh_from_db()
    content = ContentFile(_batch_zip(_batch_notices(batch)))
    batch.archive.save(f"batch-{batch.pk}.zip", content, save=False)
    NoticeBatch.objects.filter(pk=batch.pk).update(
        archive=batch.archive.name, status=NoticeBatch.Status.DONE, finished_at=timezone.now()
    )
    batch.refresh_from_db()
    return batch


# Templates --------------------------------------------------------------------


def upload_template_version(kind, uploaded, by, note=""):
    """Check an uploaded .docx and keep it as the next version of ``kind``'s template."""
    from doc_templates.validation import validate_template_upload

    if not can_issue(by):
        raise PermissionDenied("只有具备签发权限的客服中心经理可以上传文书模板。")
    data, placeholders = validate_template_upload(uploaded, kind)
    TemplateVersion.objects.current(kind)  # the bundled file stays version 1
    with transaction.atomic():
        last = TemplateVersion.objects.select_for_update().for_kind(kind).first()
        version = last.version + 1
        template = TemplateVersion(
            kind=kind,
            version=version,
            sha256=sha256_of(data),
            placeholders=placeholders,
            note=note,
            uploaded_by=by,
        )
        template.file.save(f"{kind}-v{version}.docx", ContentFile(data), save=False)
        template.save()
    return template
