from django import forms

from cms.archives.holds import record_numbered
from cms.archives.models import (
    AccessGrant,
    Building,
    ContactLog,
    HouseholdArchive,
    Owner,
)
from cms.archives.validators import validate_phone


class AccessRequestForm(forms.Form):
    """Scope is one household (reached from its page, or named by building and room)
    or one whole building."""

    SCOPES = [("household", "单户"), ("building", "整栋")]

    scope = forms.ChoiceField(label="查阅范围", choices=SCOPES, widget=forms.RadioSelect)
    household = forms.ModelChoiceField(
        label="业户", queryset=HouseholdArchive.objects.all(), required=False, widget=forms.HiddenInput
    )
    building = forms.ModelChoiceField(label="楼栋", queryset=Building.objects.all(), required=False)
    unit = forms.CharField(label="单元", max_length=10, required=False)
    room = forms.CharField(label="房号", max_length=20, required=False)
    purpose = forms.ChoiceField(
        label="查阅用途",
        choices=AccessGrant.Purpose.choices,
        initial=AccessGrant.Purpose.READ,
        widget=forms.RadioSelect,
        required=False,
    )
    reason = forms.CharField(label="查阅事由", max_length=300, widget=forms.Textarea({"rows": 3}))
    duration_days = forms.IntegerField(label="查阅期限（天）", min_value=1, max_value=30, initial=1)

    def clean(self):
        data = super().clean()
        # A request that names no purpose is an ordinary reading, as before purposes existed.
        data["purpose"] = data.get("purpose") or AccessGrant.Purpose.READ
        building = data.get("building")
        if data.get("scope") == "building" and building is None:
            self.add_error("building", "请选择要查阅的楼栋。")
        if data.get("scope") == "household" and data.get("household") is None:
            if building is None or not data.get("room"):
                self.add_error("room", "请选择楼栋并填写房号。")
            else:
                data["household"] = (
                    HouseholdArchive.objects.child_of(building)
                    .filter(unit=data.get("unit", ""), room=data["room"])
                    .first()
                )
                if data["household"] is None:
                    self.add_error("room", "该楼栋没有这个房号。")
        return data


class DecisionForm(forms.Form):
    note = forms.CharField(label="审批意见", max_length=300, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=300)


class OwnerWithCurrentContact(forms.ModelChoiceField):
    """The archivist sees what is being replaced: each owner with the current numbers."""

    def label_from_instance(self, owner):
        alt = f"，备用 {owner.phone_alt}" if owner.phone_alt else ""
        return f"{owner.name}（现联系电话 {owner.phone or '未登记'}{alt}）"


class ContactChangeForm(forms.Form):
    owner = OwnerWithCurrentContact(label="业主", queryset=Owner.objects.none())
    phone = forms.CharField(label="新联系电话", validators=[validate_phone])
    phone_alt = forms.CharField(label="新备用电话", required=False, validators=[validate_phone])
    reason = forms.CharField(label="变更原因", max_length=300)

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = household.owners.filter(is_current=True)


class NewOwnerForm(forms.ModelForm):
    reason = forms.CharField(label="更替原因", max_length=300)
    changed_on = forms.DateField(label="更替日期", widget=forms.DateInput({"type": "date"}))

    class Meta:
        model = Owner
        fields = ["name", "gender", "id_type", "id_number", "phone", "native_place"]


class ContactLogForm(forms.ModelForm):
    class Meta:
        model = ContactLog
        fields = [
            "contacted_on",
            "channel",
            "summary",
            "follow_up",
            "is_interview",
            "need",
            "measure",
            "done",
            "satisfaction",
        ]
        widgets = {"contacted_on": forms.DateInput({"type": "date"})}


class HoldForm(forms.Form):
    """保全: a household (from its page) or a case by its number."""

    household = forms.ModelChoiceField(
        queryset=HouseholdArchive.objects.all(), required=False, widget=forms.HiddenInput
    )
    case_number = forms.CharField(
        label="案件编号",
        max_length=40,
        required=False,
        help_text="如 违章-2026-000012；保全业户档案请从档案页进入",
    )
    reason = forms.CharField(label="保全原因", max_length=300)
    reference = forms.CharField(
        label="依据编号", max_length=100, required=False, help_text="如法院案号"
    )

    def clean(self):
        data = super().clean()
        if data.get("household") is None:
            number = (data.get("case_number") or "").strip()
            data["target"] = record_numbered(number) if number else None
            if data["target"] is None:
                self.add_error("case_number", "没有这个案件编号；请核对，或从业户档案页设置保全。")
        else:
            data["target"] = data["household"]
        return data


class LiftHoldForm(forms.Form):
    lift_reason = forms.CharField(label="解除原因", max_length=300)
