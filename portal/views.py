"""The owner's page for their own complaint: status, steps and dates, and the rating
once it is replied. Nothing about staff or other people is shown."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from cases import actions
from cases.models import Case, FollowUpVisit
from portal.links import LinkRefused, case_for_token

# What the owner reads for each kind of step; internal steps (handler named, evidence,
# notices, major-case volume) appear as one neutral line.
OWNER_STEPS = {
    "受理": "已受理您的反映",
    "开始处理": "开始处理",
    "转办": "已转交相关单位处理",
    "升级": "已升级处理",
    "回复客户": "已回复处理结果",
    "回访": "回访",
    "重新处理": "重新处理",
    "结案": "已结案",
    "合并": "与同一事件合并办理",
}
OTHER_STEP = "跟进处理"
RATEABLE = (Case.Status.REPLIED, Case.Status.AWAITING_VISIT)


class RatingForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label="您对处理结果的评价",
        choices=[
            (5, "5 非常满意"),
            (4, "4 满意"),
            (3, "3 一般"),
            (2, "2 不满意"),
            (1, "1 很不满意"),
        ],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择 1–5 分。", "invalid_choice": "请选择 1–5 分。"},
    )
    comment = forms.CharField(
        label="意见或建议（可不填）",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "请把意见控制在 500 字以内。"},
    )


def owner_steps(case):
    steps = []
    for step in case.timeline.order_by("at", "pk"):
        label = OWNER_STEPS.get(step.action, OTHER_STEP)
        if steps and steps[-1]["label"] == label == OTHER_STEP:
            continue
        steps.append({"label": label, "at": step.at})
    return steps


def portal_user():
    """Who records an owner's own rating: an account that cannot sign in, named for what
    it is, so the visit list says 业主网上评价 where a staff member's name would be."""
    from django.contrib.auth import get_user_model

    user, created = get_user_model().objects.get_or_create(
        username="owner-portal", defaults={"last_name": "业主网上评价", "is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _record_rating(case, satisfaction, comment):
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.status not in RATEABLE:
            raise ValidationError("此案件当前不需要评价。")
        return actions.record_visit(
            case,
            portal_user(),
            FollowUpVisit.Method.WEB,
            satisfaction,
            shortcomings=comment if satisfaction < FollowUpVisit.SATISFIED_FROM else "",
            suggestions=comment if satisfaction >= FollowUpVisit.SATISFIED_FROM else "",
        )


@never_cache
def case_page(request, token):
    """The owner's own case on a phone, reached by a personal link: outside the admin."""
    try:
        case = case_for_token(token)
    except LinkRefused as refusal:
        return render(request, "portal/refused.html", {"message": str(refusal)}, status=404)
    form = RatingForm(request.POST or None)
    thanks = request.GET.get("rated") == "1"
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            _record_rating(case, form.cleaned_data["satisfaction"], form.cleaned_data["comment"])
        except ValidationError as refusal:
            error = "；".join(refusal.messages)
        else:
            return redirect(f"{request.path}?rated=1")
    case.refresh_from_db()
    return render(
        request,
        "portal/case.html",
        {
            "case": case,
            "carrier": case.merged_into,
            "steps": owner_steps(case),
            "form": form if case.status in RATEABLE and not case.merged_into_id else None,
            "thanks": thanks,
            "error": error,
        },
    )
