"""Admin forms: issue options, delivery, verification, template upload, batch."""

from django import forms
from django.core.exceptions import ValidationError

from core.uploads import validate_image
from doc_templates.kinds import RECORD_KINDS, NoticeKind
from doc_templates.models import Delivery
from doc_templates.values import FactSource, NoticeOptions

ISSUABLE_KINDS = [(kind.value, kind.label) for kind in NoticeKind if kind not in RECORD_KINDS]

RECTIFICATION = NoticeKind.RECTIFICATION.value
TICKET = NoticeKind.VIOLATION_TICKET.value
TRI_PARTY = NoticeKind.TRI_PARTY.value
CLUTTER = NoticeKind.CLUTTER_REMINDER.value

# The fields each kind of notice asks for; the form shows and reads only those.
FIELD_KINDS = {
    "addressee_household": {RECTIFICATION, TICKET},
    "addressee": {RECTIFICATION, TICKET, TRI_PARTY},
    "source": {RECTIFICATION},
    "facts": {RECTIFICATION, TICKET},
    "basis": {RECTIFICATION, TICKET},
    "action": {RECTIFICATION, TICKET},
    "deadline_days": {RECTIFICATION, CLUTTER},
    "working_days": {RECTIFICATION, CLUTTER},
    "consequence": {RECTIFICATION},
    "joint_with_owners_committee": {RECTIFICATION},
    "topic": {TRI_PARTY},
    "items": {CLUTTER},
}


class HouseholdChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.address


class NoticeForm(forms.Form):
    """What the manager decides for one notice; the rest comes from the case. The kind
    is chosen first (there is no default), then only that kind's fields count."""

    kind = forms.ChoiceField(
        label="文书类型",
        choices=[("", "请选择文书类型"), *ISSUABLE_KINDS],
        error_messages={"required": "请选择文书类型。"},
    )
    addressee_household = HouseholdChoiceField(
        label="收件业户（应整改的一方）",
        queryset=None,
        required=False,
        empty_label="请选择业户",
        help_text="投诉案件关联的是投诉人的房屋，请选择被投诉、应当整改的业户",
    )
    addressee = forms.CharField(
        label="收件人（对方无业户档案时填写）",
        required=False,
        max_length=60,
        help_text="如：东门临时施工队负责人",
    )
    source = forms.ChoiceField(
        label="事实来源",
        choices=FactSource.choices,
        required=False,
        help_text="通知书开头据此写明：巡查发现、接业户投诉或接报",
    )
    facts = forms.CharField(
        label="违规事实",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="业户违章案件留空则使用案件内容；投诉、纠纷案件须写明核实后的事实",
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

    def __init__(self, *args, households=None, **kwargs):
        super().__init__(*args, **kwargs)
        from cms.archives.models import HouseholdArchive

        self.fields["addressee_household"].queryset = (
            households if households is not None else HouseholdArchive.objects.none()
        )
        for name, kinds in self.kind_fields():
            self.fields[name].notice_kinds = " ".join(sorted(kinds))
        self._make_other_kinds_optional()

    def kind_fields(self):
        return [(name, kinds) for name, kinds in FIELD_KINDS.items() if name in self.fields]

    def _make_other_kinds_optional(self):
        """Fields of the other kinds are neither shown nor required."""
        kind = self.data.get(self.add_prefix("kind")) if self.is_bound else None
        for name, kinds in self.kind_fields():
            if kind not in kinds:
                self.fields[name].required = False

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        for name, kinds in self.kind_fields():
            if kind not in kinds:
                data[name] = None
        if kind == RECTIFICATION and not (data.get("action") or "").strip():
            self.add_error("action", "整改通知书须写明整改要求。")
        return data

    @property
    def household(self):
        return self.cleaned_data.get("addressee_household")

    def options(self):
        data = self.cleaned_data
        return NoticeOptions(
            facts=data["facts"] or "",
            basis=data["basis"] or "",
            action=data["action"] or "",
            deadline_days=data["deadline_days"] or 7,
            working_days=data["working_days"] in (True, None),
            consequence=data["consequence"] or "",
            joint_with_owners_committee=bool(data["joint_with_owners_committee"]),
            topic=data["topic"] or "",
            items=data["items"] or "",
            addressee=data.get("addressee") or "",
            source=data["source"] or "",
        )


class CorrectionForm(NoticeForm):
    """A correction keeps the corrected notice's kind and addressee household."""

    reason = forms.CharField(label="更正原因", max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["addressee_household"]
        self.fields["kind"].disabled = True


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
