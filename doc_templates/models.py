"""Template versions, issued notices (frozen), their delivery, and batch runs."""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from core.append_only import AppendOnlyError, AppendOnlyQuerySet, AppendOnlyRecord
from core.storage import PrivateStorage
from doc_templates.kinds import NoticeKind

User = settings.AUTH_USER_MODEL


def sha256_of(data):
    return hashlib.sha256(data).hexdigest()


PRIVATE_STORAGE = PrivateStorage("notices")


class FrozenRecord(AppendOnlyError):
    """An issued notice or a kept template version may not be changed or deleted."""


class TemplateVersionQuerySet(AppendOnlyQuerySet):
    def for_kind(self, kind):
        return self.filter(kind=kind).order_by("-version")

    def current(self, kind):
        """The newest version of ``kind``. The bundled file becomes version 1 the first
        time a kind is used, so a fresh install works without any upload; when a
        release brings a new bundled file and nobody has uploaded their own since, it
        becomes the next version."""
        from doc_templates.build_templates import bundled_template_path

        latest = self.for_kind(kind).first()
        if latest is not None and latest.uploaded_by_id is not None:
            return latest
        data = bundled_template_path(kind).read_bytes()
        if latest is not None and latest.sha256 == sha256_of(data):
            return latest
        version = latest.version + 1 if latest is not None else 1
        note = "系统内置模板" if latest is None else "系统内置模板（新版本）"
        return self._register_bundled(kind, version, data, note)

    def _register_bundled(self, kind, version, data, note):
        from doc_templates.filling import find_placeholders, open_document

        try:
            with transaction.atomic():
                return self.create(
                    kind=kind,
                    version=version,
                    file=ContentFile(data, name=f"{kind}-v{version}.docx"),
                    sha256=sha256_of(data),
                    placeholders=sorted(find_placeholders(open_document(data))),
                    note=note,
                )
        except IntegrityError:
            return self.for_kind(kind).first()  # another request registered it first


class TemplateVersion(AppendOnlyRecord):
    """One uploaded version of a kind's Word template. Every version is kept, and each
    notice records the version it was filled from."""

    refused_change = "模板版本一经保存不能修改，请上传新版本。"
    refused_delete = "模板版本永久保留，不能删除。"
    refusal = FrozenRecord

    kind = models.CharField("文书类型", max_length=20, choices=NoticeKind.choices)
    version = models.PositiveIntegerField("版本号")
    file = models.FileField("模板文件", storage=PRIVATE_STORAGE, upload_to="templates/")
    sha256 = models.CharField("SHA-256", max_length=64, editable=False)
    placeholders = models.JSONField("占位符", default=list, editable=False)
    note = models.CharField("修改说明", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        User,
        verbose_name="上传人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    objects = TemplateVersionQuerySet.as_manager()

    class Meta:
        verbose_name = "文书模板版本"
        verbose_name_plural = "文书模板版本"
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="unique_template_version")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} 第{self.version}版"


    def read_bytes(self):
        with self.file.open("rb") as handle:
            return handle.read()


class NoticeQuerySet(AppendOnlyQuerySet):
    def matching(self, data):
        return self.filter(sha256=sha256_of(data))


class Notice(AppendOnlyRecord):
    """An issued notice (已签发文书), frozen at issue: the stored .docx, its SHA-256,
    number, issuer, time, case and template version never change. A correction is a
    new notice whose ``supersedes`` points at the old one."""

    refused_change = "已签发的文书不能修改；如需更正，请签发更正文书。"
    refused_delete = "已签发的文书不能删除。"
    refusal = FrozenRecord

    kind = models.CharField("文书类型", max_length=20, choices=NoticeKind.choices, db_index=True)
    number = models.CharField("文号", max_length=40, unique=True)
    year = models.PositiveIntegerField("年度")
    serial = models.PositiveIntegerField("序号")
    case = models.ForeignKey(
        "cases.Case",
        verbose_name="案件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notices",
    )
    household = models.ForeignKey(
        "archives.HouseholdArchive",
        verbose_name="业户",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notices",
    )
    template_version = models.ForeignKey(
        TemplateVersion, verbose_name="模板版本", on_delete=models.PROTECT, related_name="notices"
    )
    values = models.JSONField("填写内容", default=dict)
    file = models.FileField("文书文件", storage=PRIVATE_STORAGE, upload_to="issued/%Y/")
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    issued_by = models.ForeignKey(
        User, verbose_name="签发人", on_delete=models.PROTECT, related_name="issued_notices"
    )
    issued_at = models.DateTimeField("签发时间", default=timezone.now)
    supersedes = models.OneToOneField(
        "self",
        verbose_name="更正的文书",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    correction_reason = models.CharField("更正原因", max_length=200, blank=True)
    batch = models.ForeignKey(
        "NoticeBatch",
        verbose_name="批量任务",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notices",
    )

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = "已签发文书"
        verbose_name_plural = "已签发文书"
        ordering = ["-issued_at", "-pk"]
        permissions = [("issue_notice", "签发文书")]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year", "serial"], name="unique_notice_serial")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"


    @property
    def is_superseded(self):
        try:
            return self.superseded_by is not None
        except Notice.superseded_by.RelatedObjectDoesNotExist:
            return False

    @property
    def download_name(self):
        return f"{self.get_kind_display()}-{self.number}.docx"

    # Plain values for listings and exports: addresses only, never owner names.
    @property
    def kind_label(self):
        return self.get_kind_display()

    @property
    def case_number(self):
        return self.case.number if self.case_id else ""

    @property
    def address(self):
        return self.values.get("房号", "")

    @property
    def issued_by_display(self):
        from core.people import display_name

        return display_name(self.issued_by)

    @property
    def status_label(self):
        return "已被更正" if self.is_superseded else "有效"

    def read_bytes(self):
        with self.file.open("rb") as handle:
            return handle.read()

    def file_is_intact(self):
        return sha256_of(self.read_bytes()) == self.sha256


class NoticePdfQuerySet(AppendOnlyQuerySet):
    def matching(self, data):
        return self.filter(sha256=sha256_of(data))

    def forget_failure(self, notice):
        """A record saying why no PDF was made is no signed copy: it gives way to a retry.
        Produced PDFs stay frozen."""
        failures = self.filter(notice=notice, file="").exclude(error="")
        return models.QuerySet.delete(failures)


class NoticePdf(AppendOnlyRecord):
    """The digitally signed PDF made from an issued notice's .docx, frozen beside it
    with its own SHA-256. When it could not be made, ``error`` says why and the
    notice stands on its .docx alone."""

    refused_change = "已签发文书的PDF不能修改。"
    refused_delete = "已签发文书的PDF不能删除。"
    refusal = FrozenRecord

    notice = models.OneToOneField(
        Notice, verbose_name="文书", on_delete=models.PROTECT, related_name="pdf"
    )
    file = models.FileField(
        "PDF文件", storage=PRIVATE_STORAGE, upload_to="issued-pdf/%Y/", blank=True
    )
    sha256 = models.CharField("SHA-256", max_length=64, blank=True, db_index=True)
    signer = models.CharField("签名证书", max_length=300, blank=True)
    created_at = models.DateTimeField("生成时间", default=timezone.now)
    error = models.CharField("未生成原因", max_length=300, blank=True)

    objects = NoticePdfQuerySet.as_manager()

    class Meta:
        verbose_name = "签名PDF"
        verbose_name_plural = "签名PDF"

    def __str__(self):
        return f"{self.notice.number} PDF"


    @property
    def produced(self):
        return bool(self.file)

    @property
    def download_name(self):
        return self.notice.download_name.removesuffix(".docx") + ".pdf"

    def read_bytes(self):
        with self.file.open("rb") as handle:
            return handle.read()


class Delivery(models.Model):
    """How a notice reached the household: signed receipt, refusal before witnesses,
    or posting (张贴) with a photo."""

    class Method(models.TextChoices):
        RECEIPT = "receipt", "签收"
        REFUSAL = "refusal", "拒签"
        POSTING = "posting", "张贴"

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="deliveries")
    method = models.CharField("送达方式", max_length=10, choices=Method.choices)
    delivered_at = models.DateTimeField("送达时间", default=timezone.now)
    signer_name = models.CharField("签收人", max_length=50, blank=True)
    witnesses = models.CharField("见证人", max_length=200, blank=True)
    witness_organisation = models.CharField("见证单位", max_length=100, blank=True)
    note = models.TextField("备注", blank=True)
    recorded_by = models.ForeignKey(
        User, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "送达记录"
        verbose_name_plural = "送达记录"
        ordering = ["delivered_at"]

    def __str__(self):
        return f"{self.notice.number} {self.get_method_display()}"

    def clean(self):
        errors = {}
        if self.method == self.Method.RECEIPT and not self.signer_name.strip():
            errors["signer_name"] = "签收须填写签收人姓名。"
        if self.method == self.Method.REFUSAL:
            if not self.witnesses.strip():
                errors["witnesses"] = "拒签须填写见证人。"
            if not self.witness_organisation.strip():
                errors["witness_organisation"] = "拒签须填写见证人所在单位（如业委会、居委会）。"
        if errors:
            raise ValidationError(errors)


class DeliveryPhoto(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="photos")
    file = models.FileField("照片", storage=PRIVATE_STORAGE, upload_to="delivery/%Y/%m/")

    class Meta:
        verbose_name = "送达照片"
        verbose_name_plural = "送达照片"

    def __str__(self):
        return self.file.name


class NoticeBatch(models.Model):
    """A tri-party reminder for every household of a building or estate, as one zip."""

    class Status(models.TextChoices):
        PENDING = "pending", "等待中"
        RUNNING = "running", "生成中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    scope = models.ForeignKey(
        "wagtailcore.Page", verbose_name="范围（小区或楼栋）", on_delete=models.PROTECT
    )
    topic = models.CharField("主题", max_length=30)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default="pending")
    total = models.PositiveIntegerField("总数", default=0)
    done = models.PositiveIntegerField("已完成", default=0)
    archive = models.FileField("压缩包", storage=PRIVATE_STORAGE, upload_to="batches/", blank=True)
    error = models.TextField("错误", blank=True)
    created_by = models.ForeignKey(User, verbose_name="发起人", on_delete=models.PROTECT)
    created_at = models.DateTimeField("发起时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "批量三方温馨提示"
        verbose_name_plural = "批量三方温馨提示"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.scope.title} {self.topic}（{self.done}/{self.total}）"

    @property
    def percent(self):
        return 100 if not self.total else round(100 * self.done / self.total)
