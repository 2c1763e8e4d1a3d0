"""Forms of the case admin: the case form with its edit-conflict check, and one small
form per action on the case page."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MaxLengthValidator
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.forms import WagtailAdminModelForm

from cases.models import Case, DisputeParticipant, FollowUpVisit
from cases.validators import validate_person_name
from core.people import display_name
from core.uploads import validate_evidence

# Long texts have a stated maximum: what a caller says fits, a pasted document does not.
TEXT_MAXIMUM = {"description": 2000}
DEFAULT_TEXT_MAXIMUM = 1000
# The browser's own pickers: value formats of <input type="datetime-local"> and "date".
BROWSER_DATETIME = "%Y-%m-%dT%H:%M"
BROWSER_DATE = "%Y-%m-%d"


def browser_datetime_field(field):
    field.widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=BROWSER_DATETIME)
    field.input_formats = [BROWSER_DATETIME, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def browser_date_field(field, today=True):
    field.widget = forms.DateInput(attrs={"type": "date"}, format=BROWSER_DATE)
    field.input_formats = [BROWSER_DATE]
    if today and field.initial is None:
        field.initial = timezone.localdate


def state_maximum(field, maximum):
    field.max_length = maximum
    field.validators.append(MaxLengthValidator(maximum))
    field.widget.attrs["maxlength"] = str(maximum)
    field.help_text = (
        f"{field.help_text}（最多 {maximum} 字）" if field.help_text else f"最多 {maximum} 字"
    )


class CaseSearchWidget(forms.SelectMultiple):
    """Related cases found by typing a number, a name or a few words, instead of a
    Ctrl-click list of every case."""

    template_name = "cases/widgets/case_search.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = {str(v) for v in (value or [])}
        context["chosen"] = [
            (str(case.pk), f"{case.number} {case.topic}")
            for case in self.choices.queryset.filter(pk__in=[v for v in chosen if v.isdigit()])
        ]
        context["lookup_url"] = reverse("cases:lookup")
        return context

    def optgroups(self, name, value, attrs=None):
        return []


class CaseForm(WagtailAdminModelForm):
    """The case form carries the version it was read at; a save based on an older
    version is refused with a clear message and the user's input stays on screen.
    The re-shown form carries the current version, so saving again after checking
    the other person's changes goes through on purpose."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "version" in self.fields:
            self.fields["version"].widget = forms.HiddenInput()
        if "household" in self.fields and self.for_user is not None:
            from cms.archives.policy import linkable_households

            # Linking a case to an address is not reading the archive (address only).
            self.fields["household"].queryset = linkable_households(self.for_user)
        self.make_fields_behave()

    def make_fields_behave(self):
        from cases.policy import visible_cases

        if "received_at" in self.fields:
            browser_datetime_field(self.fields["received_at"])
        if "rectify_deadline" in self.fields:
            browser_date_field(self.fields["rectify_deadline"])
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.Textarea):
                state_maximum(field, TEXT_MAXIMUM.get(name, DEFAULT_TEXT_MAXIMUM))
        if "handler" in self.fields:
            self.fields["handler"].queryset = handler_candidates().order_by(
                "last_name", "first_name"
            )
        if "related_cases" in self.fields and self.for_user is not None:
            related = self.fields["related_cases"]
            related.queryset = visible_cases(self.for_user).exclude(pk=self.instance.pk)
            related.widget = CaseSearchWidget(choices=related.choices)
            related.widget.choices.queryset = related.queryset
            related.help_text = "输入编号、反映人或内容搜索，点选加入"

    def clean(self):
        cleaned = super().clean()
        instance = self.instance
        if instance.pk and "version" in cleaned:
            current = Case.objects.filter(pk=instance.pk).values_list("version", flat=True).first()
            if current is not None and cleaned["version"] != current:
                self.refuse_as_conflict(current)
        return cleaned

    def refuse_as_conflict(self, current_version):
        from cases.models import EditConflict

        current = Case.objects.get(pk=self.instance.pk)
        self.add_error(None, str(EditConflict(self.instance, current)))
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = current_version


class NoteForm(forms.Form):
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class HandlerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return display_name(user)


def handler_candidates():
    """Active users who may handle cases (cases.change_case, through a role or in person)."""
    return get_user_model().objects.with_perm("cases.change_case", include_superusers=False)


class HandlerForm(forms.Form):
    handler = HandlerChoiceField(label="处理人", queryset=None)
    note = forms.CharField(label="说明", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = handler_candidates().order_by("last_name", "first_name")


class ReplyForm(forms.Form):
    result = forms.CharField(label="处理结果", widget=forms.Textarea(attrs={"rows": 3}))
    customer_opinion = forms.CharField(
        label="客户意见", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CloseForm(forms.Form):
    reason = forms.CharField(label="结案原因", max_length=200)


class TransferForm(forms.Form):
    to = forms.CharField(label="转交单位", max_length=50, help_text="如：开发商工程部、街道办")
    note = forms.CharField(label="说明", required=False)


class ExemptForm(forms.Form):
    exemption = forms.ChoiceField(label="免回访原因", choices=Case.VisitExemption.choices[1:])
    note = forms.CharField(label="说明", required=False)


class StepForm(forms.Form):
    action = forms.CharField(label="处理动作", max_length=50, initial="跟进")
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class VisitForm(forms.ModelForm):
    class Meta:
        model = FollowUpVisit
        fields = ["method", "satisfaction", "quality", "effect", "shortcomings", "suggestions"]
        widgets = {
            "shortcomings": forms.Textarea(attrs={"rows": 2}),
            "suggestions": forms.Textarea(attrs={"rows": 2}),
        }


class MergeForm(forms.Form):
    # Built for the case it acts on (CaseAction.make_form passes it).
    takes_case = True
    numbers = forms.CharField(
        label="并入的案件编号", help_text="多个编号用空格或逗号分隔，如 投诉-2026-000012"
    )
    impact_note = forms.CharField(
        label="影响说明", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case

    def clean_numbers(self):
        numbers = self.cleaned_data["numbers"].replace("，", " ").replace(",", " ").split()
        found = list(Case.objects.filter(number__in=numbers).exclude(pk=self.case.pk))
        missing = set(numbers) - {case.number for case in found}
        if missing:
            raise forms.ValidationError(f"找不到案件：{'、'.join(sorted(missing))}")
        return found


class PartyForm(forms.Form):
    name = forms.CharField(label="当事人", max_length=50, validators=[validate_person_name])
    position = forms.CharField(label="诉求", max_length=200, required=False)


class ParticipantForm(forms.ModelForm):
    class Meta:
        model = DisputeParticipant
        fields = ["body", "name", "role"]

    def clean_name(self):
        validate_person_name(self.cleaned_data["name"])
        return self.cleaned_data["name"]


class MeetingForm(forms.Form):
    note = forms.CharField(label="协调会内容", widget=forms.Textarea(attrs={"rows": 2}))


class OutcomeForm(forms.Form):
    outcome = forms.CharField(label="调解结果", widget=forms.Textarea(attrs={"rows": 2}))


class RemovedItemForm(forms.Form):
    description = forms.CharField(label="物品", max_length=100)
    stored_at = forms.CharField(label="存放地点", max_length=100)


class ReclaimForm(forms.Form):
    """The owner signs for a removed item when collecting it from the store."""

    takes_case = True
    item = forms.ModelChoiceField(label="物品", queryset=None, empty_label="请选择物品")
    signature = forms.CharField(label="认领人签名", max_length=50)

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = case.removed_items.filter(reclaimed_at__isnull=True)
        self.fields["item"].label_from_instance = lambda item: str(item)


class PenaltyForm(forms.Form):
    measure = forms.ChoiceField(label="处理措施", choices=Case.Measure.choices)
    amount = forms.DecimalField(label="金额（元）", required=False, max_digits=10, decimal_places=2)
    deadline = forms.DateField(
        label="整改期限",
        required=False,
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format=BROWSER_DATE),
    )
    note = forms.CharField(label="说明", required=False)


class EvidenceForm(forms.Form):
    file = forms.FileField(label="照片或其他证据", validators=[validate_evidence])
    caption = forms.CharField(label="说明", max_length=100, required=False)


class EmptyForm(forms.Form):
    pass


def confirmation_field(label):
    return forms.BooleanField(
        label=f"我已核对，确认{label}（办理后不能撤回）",
        error_messages={"required": f"请勾选确认后再{label}。"},
    )
