"""Forms of the service-quality screens; validation messages in Chinese."""

from django import forms
from django.contrib.auth import get_user_model
from wagtail.admin.forms import WagtailAdminModelForm

from cms.archives.models import Estate, attach_parents
from core.people import display_name
from quality import policy
from quality.models import (
    ActionProgress,
    CarePlan,
    Checklist,
    InterviewPlan,
    Questionnaire,
    Survey,
    VersionStatus,
)


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return display_name(obj)


class UsersChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return display_name(obj)


def staff_users():
    return get_user_model().objects.filter(is_active=True, is_staff=True).order_by("username")


class EstateChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        super().__init__(queryset=Estate.objects.order_by("path"), label="小区", **kwargs)

    def label_from_instance(self, obj):
        return obj.title


class AuditForm(WagtailAdminModelForm):
    """登记督导检查: estate, date, the published checklist version, auditors, project manager."""

    estate = EstateChoiceField()
    checklist = forms.ModelChoiceField(
        queryset=Checklist.objects.filter(status=VersionStatus.PUBLISHED), label="检查标准版本"
    )
    auditors = UsersChoiceField(
        queryset=staff_users(), label="检查人员", widget=forms.CheckboxSelectMultiple
    )
    project_manager = UserChoiceField(queryset=staff_users(), label="项目经理", required=False)

    class Meta:
        fields = ["estate", "audit_date", "checklist", "auditors", "project_manager"]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class FindingForm(forms.Form):
    item = forms.ModelChoiceField(queryset=None, label="检查项目")
    description = forms.CharField(label="问题描述", widget=forms.Textarea(attrs={"rows": 2}))
    location = forms.CharField(label="地点", required=False)
    persons = forms.CharField(label="涉及人员", required=False, help_text="按人扣分的项目必填")
    count = forms.IntegerField(label="问题点数", min_value=1, max_value=99, initial=1)
    photos = MultipleFileField(label="现场照片", required=False)

    def __init__(self, *args, checklist, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = checklist.items.all()
        self.fields["item"].label_from_instance = (
            lambda i: f"{i.indicator_name}｜{i.title}（{i.rule_text}）"
        )


class AcknowledgeForm(forms.Form):
    note = forms.CharField(label="项目经理意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RectificationForm(forms.Form):
    working_days = forms.IntegerField(label="整改期限（工作日）", min_value=1, max_value=30, initial=5)


class SurveyForm(WagtailAdminModelForm):
    estate = EstateChoiceField()
    questionnaire = forms.ModelChoiceField(
        queryset=Questionnaire.objects.filter(status=VersionStatus.PUBLISHED), label="问卷版本"
    )
    chosen_rooms = forms.CharField(
        label="指定业户", required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="抽样方式为“指定业户”时填写，每行一户，如：1栋 1201",
    )

    class Meta:
        model = Survey
        fields = ["title", "questionnaire", "estate", "opens_on", "closes_on", "sampling",
                  "proportion", "chosen_rooms"]


class InterviewPlanForm(WagtailAdminModelForm):
    estate = EstateChoiceField()

    class Meta:
        model = InterviewPlan
        fields = ["estate", "kind", "year", "month", "scope", "content", "preparation",
                  "proportion"]


class HouseholdChoiceField(forms.ModelChoiceField):
    """Households by their whole address: every building has a 502室."""

    addresses = {}

    def label_from_instance(self, obj):
        return self.addresses.get(obj.pk, str(obj))


class CarePlanForm(WagtailAdminModelForm):
    """A plan is made for a household of the care lists its maker sees, not for any
    address of the company; its 负责人 is one of the staff."""

    household = HouseholdChoiceField(queryset=None, label="业户")
    owner = UserChoiceField(queryset=staff_users(), label="负责人", required=False)

    class Meta:
        model = CarePlan
        fields = ["household", "actions", "owner", "due_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        households = policy.care_households(self.for_user).order_by("path")
        field = self.fields["household"]
        field.queryset = households
        field.addresses = {household.pk: household.address for household in attach_parents(households)}


class DecisionForm(forms.Form):
    note = forms.CharField(label="审批意见", required=False)


class AnalysisForm(forms.Form):
    text = forms.CharField(label="上月访谈分析", widget=forms.Textarea(attrs={"rows": 5}))


class DateRangeForm(forms.Form):
    start = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="结束日期", widget=forms.DateInput(attrs={"type": "date"}))


class ProgressForm(forms.ModelForm):
    class Meta:
        model = ActionProgress
        fields = ["month", "state", "note"]


class CareResultForm(forms.Form):
    result = forms.CharField(label="关怀结果", widget=forms.Textarea(attrs={"rows": 2}))
