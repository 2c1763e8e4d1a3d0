"""Admin forms: issue options, delivery, verification, template upload, batch."""

from django import forms
from django.core.exceptions import ValidationError

from cms.uploads import validate_image
from doc_templates.kinds import RECORD_KINDS, NoticeKind
from doc_templates.models import Delivery
from doc_templates.values import NoticeOptions

ISSUABLE_KINDS = [(kind.value, kind.label) for kind in NoticeKind if kind not in RECORD_KINDS]


class NoticeForm(forms.Form):
    """What the manager decides for one notice; the rest comes from the case."""

    kind = forms.ChoiceField(label="文书类型", choices=ISSUABLE_KINDS)
    facts = forms.CharField(
        label="违规事实",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="留空则使用案件内容",
    )
    basis = forms.CharField(label="依据（规定或条款）", required=False, max_length=200)
    action = forms.CharField(
        label="整改要求／处理措施", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    deadline_days = forms.IntegerField(label="期限（天）", min_value=1, max_value=90, initial=7)
    working_days = forms.TypedChoiceField(
        label="期限计算",
        choices=[("1", "工作日（按工作日历）"), ("0", "自然日")],
        coerce=lambda value: value == "1",
        initial="1",
    )
    consequence = forms.CharField(
        label="逾期后果",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="留空则使用标准表述",
    )
    joint_with_owners_committee = forms.BooleanField(label="与业主委员会联合签发", required=False)
    topic = forms.CharField(
        label="温馨提示主题", required=False, max_length=30, help_text="留空则按案件主题选择正文"
    )
    items = forms.CharField(label="堆放物品", required=False, max_length=100)

    def clean(self):
        data = super().clean()
        if data.get("kind") == NoticeKind.RECTIFICATION and not (data.get("action") or "").strip():
            self.add_error("action", "整改通知书须写明整改要求。")
        return data

    def options(self):
        data = self.cleaned_data
        return NoticeOptions(
            facts=data["facts"],
            basis=data["basis"],
            action=data["action"],
            deadline_days=data["deadline_days"],
            working_days=data["working_days"],
            consequence=data["consequence"],
            joint_with_owners_committee=data["joint_with_owners_committee"],
            topic=data["topic"],
            items=data["items"],
        )


class CorrectionForm(NoticeForm):
    reason = forms.CharField(label="更正原因", max_length=200)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        photos = [single(item, initial) for item in data] if isinstance(data, list | tuple) else []
        if not isinstance(data, list | tuple) and data:
            photos = [single(data, initial)]
        for photo in photos:
            validate_image(photo)
        return photos


class DeliveryForm(forms.ModelForm):
    photos = PhotosField(label="现场照片", required=False, help_text="拒签、张贴须上传照片")

    class Meta:
        model = Delivery
        fields = [
            "method",
            "delivered_at",
            "signer_name",
            "witnesses",
            "witness_organisation",
            "note",
        ]
        widgets = {"delivered_at": forms.DateTimeInput(attrs={"type": "datetime-local"})}


class VerifyForm(forms.Form):
    file = forms.FileField(label="文书副本（.docx 或 .pdf）")


class TemplateUploadForm(forms.Form):
    kind = forms.ChoiceField(label="文书类型", choices=NoticeKind.choices)
    file = forms.FileField(label="模板文件（.docx）")
    note = forms.CharField(label="修改说明", max_length=200, required=False)


class BatchForm(forms.Form):
    scope = forms.ChoiceField(label="范围（小区或楼栋）")
    topic = forms.CharField(label="主题", max_length=30, help_text="如：高空抛物、宠物、噪音")

    def __init__(self, *args, scopes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.scopes = {str(page.pk): page for page in scopes}
        self.fields["scope"].choices = [(key, label(page)) for key, page in self.scopes.items()]

    def clean_scope(self):
        try:
            return self.scopes[self.cleaned_data["scope"]]
        except KeyError as error:
            raise ValidationError("请选择小区或楼栋。") from error


def label(page):
    parent = page.get_parent().specific
    return (
        page.title if parent.__class__.__name__ == "ArchiveRoot" else f"{parent.title} {page.title}"
    )
