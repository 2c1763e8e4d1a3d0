"""Admin views of owner archives that are forms or pages rather than lists (the lists are in
``listings.py``, the register in ``report_views.py``): the reading page, the access request,
decisions and lifts posted from the lists, the archive reports and the archive's change
actions. Every decision is the policy's."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cms.archives import actions, holds, policy
from cms.archives import reports as reports_module
from cms.archives.forms import (
    AccessRequestForm,
    ContactChangeForm,
    ContactLogForm,
    DecisionForm,
    LiftHoldForm,
    NewOwnerForm,
    ReasonForm,
)
from cms.archives.models import (
    AccessGrant,
    AccessRecord,
    ArchivePaper,
    Building,
    Estate,
    Hold,
    HouseholdArchive,
    attach_parents,
)
from cms.archives.reports import missing_papers
from core.downloads import download_response

# The reading page lists the latest contacts and says how many there are in all.
CONTACTS_SHOWN = 50


def requires(check, message):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied(message)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


archivist_only = requires(policy.reads_everything, "仅档案员可以办理。")


def masked_owner(owner):
    owner.masked_id_number = policy.mask_id_number(owner.id_number)
    owner.masked_phone = policy.mask_phone(owner.phone)
    owner.masked_phone_alt = policy.mask_phone(owner.phone_alt)
    return owner


def owner_for_callback(owner):
    """A grant made to call the owner back shows the phones it was asked for; the identity
    number stays masked."""
    masked_owner(owner)
    owner.masked_phone, owner.masked_phone_alt = owner.phone, owner.phone_alt
    return owner


def household_detail(request, pk):
    """The reading page (查阅): only with the policy's leave, and always registered; one
    household's whole file on one page, which no generic view (inspect reads one model) shows."""
    household = get_object_or_404(HouseholdArchive, pk=pk)
    if not policy.can_read_household(request.user, household):
        messages.error(request, "该业户档案属绝密，您无权查阅。请先提交查阅申请。")
        return redirect(reverse("archives_admin:request_access") + f"?household={household.pk}")
    grant = (
        None
        if policy.reads_everything(request.user)
        else policy.grant_covering(request.user, household)
    )
    for_callback = grant is not None and grant.for_callback
    via = AccessRecord.Via.CALLBACK if for_callback else AccessRecord.Via.READ
    policy.record_access(request.user, household, via, request=request)
    attach_parents([household])
    owners = [
        owner_for_callback(owner) if for_callback else masked_owner(owner)
        for owner in household.owners.all()
    ]
    return render(
        request,
        "archives/admin/household_detail.html",
        {
            "household": household,
            "current_owners": [o for o in owners if o.is_current],
            "former_owners": [o for o in owners if not o.is_current],
            "family": household.family_members.all(),
            "tenants": household.tenants.all(),
            "papers": household.papers.all(),
            "missing_papers": missing_papers(household),
            "changes": household.changes.select_related("changed_by"),
            "contacts": household.contacts.select_related("staff")[:CONTACTS_SHOWN],
            "contacts_count": household.contacts.count(),
            "reads_everything": policy.reads_everything(request.user),
            "for_callback": for_callback,
            "mask_phone": policy.mask_phone,
        },
    )


def request_access(request):
    """查阅申请: one form for a household or a building, or the manager's break-glass; not a
    model form, as the policy and ``actions.request_access`` decide what it creates."""
    initial = {"scope": "household", "duration_days": 1, "purpose": AccessGrant.Purpose.READ}
    if "household" in request.GET:
        initial["household"] = request.GET["household"]
    if "building" in request.GET:
        initial.update(scope="building", building=request.GET["building"])
    form = AccessRequestForm(request.POST or None, initial=initial)
    if policy.butler_buildings(request.user) is not None:
        form.fields["household"].queryset = policy.listable_households(request.user)
        form.fields["building"].queryset = policy.butler_buildings(request.user)
    chosen = _household_shown_on_request(request.user, form["household"].value())
    may_break_glass = policy.can_approve_access(request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        scope = {
            "household": data["household"] if data["scope"] == "household" else None,
            "building": data["building"] if data["scope"] == "building" else None,
        }
        try:
            if may_break_glass and "break_glass" in request.POST:
                actions.open_for_myself(request.user, data["reason"], **scope)
            else:
                actions.request_access(
                    request.user,
                    data["reason"],
                    data["duration_days"],
                    purpose=data["purpose"],
                    **scope,
                )
        except (PermissionDenied, ValidationError) as error:
            form.add_error(None, error.messages[0] if hasattr(error, "messages") else str(error))
        else:
            if "break_glass" in request.POST:
                messages.warning(
                    request, "已紧急自行开启，期限一天；本次开启及其后的查阅均在登记簿中特别标出。"
                )
            else:
                messages.success(request, "查阅申请已提交，等待客户服务中心经理审批。")
            return redirect("archives_admin:grants")
    return render(
        request,
        "archives/admin/request_access.html",
        {"form": form, "chosen": chosen, "may_break_glass": may_break_glass},
    )


def _household_shown_on_request(user, household_id):
    """The address is printed only for a household the user may see listed; any other
    id gets the form without it (the request page is no way to look up addresses)."""
    household_id = str(household_id or "")
    if not household_id.isdigit():
        return None
    household = policy.listable_households(user).filter(pk=household_id).first()
    return attach_parents([household])[0] if household else None


GRANT_DECISIONS = {
    "approve": (actions.approve_access, "已批准该查阅申请。"),
    "refuse": (actions.refuse_access, "已拒绝该查阅申请。"),
}


@require_POST
def decide_grant(request, pk, decision):
    """Approve or refuse, posted from the pending list; an unknown decision is not found."""
    if decision not in GRANT_DECISIONS:
        raise Http404("没有这种审批决定")
    decide, done = GRANT_DECISIONS[decision]
    grant = get_object_or_404(AccessGrant, pk=pk)
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        decide(grant, request.user, note)
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, error.args[0] if error.args else str(error))
    else:
        messages.success(request, done)
    return redirect("archives_admin:grants")


def download_paper(request, pk):
    """The only way to a stored paper: permission-checked and registered (a file, not a page)."""
    if not request.user.is_authenticated:
        raise Http404
    paper = get_object_or_404(ArchivePaper.objects.select_related("household"), pk=pk)
    if not policy.can_read_household(request.user, paper.household):
        raise PermissionDenied("该业户档案属绝密，您无权下载其资料。")
    policy.record_access(request.user, paper.household, AccessRecord.Via.DOCUMENT, request=request)
    return download_response(paper.file.open("rb"), paper.file.name.split("/")[-1])


def _household_for_change(request, pk):
    household = get_object_or_404(HouseholdArchive, pk=pk)
    attach_parents([household])
    return household


def _done(request, household, message):
    messages.success(request, message)
    return redirect("archives_admin:household", household.pk)


@archivist_only
def change_contact(request, pk):
    """联系方式变更: a reasoned action on the archive (``actions.change_contact``), not an edit."""
    household = _household_for_change(request, pk)
    form = ContactChangeForm(request.POST or None, household=household)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.change_contact(
                data["owner"], request.user, data["reason"], data["phone"], data["phone_alt"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _done(request, household, "联系方式已变更，原号码保留在档案变更记录中。")
    return _action_page(request, household, form, "联系方式变更")


@archivist_only
def change_owner(request, pk):
    """业户更替: a reasoned action on the archive (``actions.change_owner``), not an edit."""
    household = _household_for_change(request, pk)
    form = NewOwnerForm(request.POST or None, initial={"changed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {name: data[name] for name in NewOwnerForm.Meta.fields}
        try:
            actions.change_owner(
                household, request.user, data["reason"], [fields], changed_on=data["changed_on"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _done(request, household, "业户更替已办理，原业主保留为历任业主。")
    return _action_page(request, household, form, "业户更替")


@archivist_only
def close_or_reopen(request, pk):
    """归档关闭 / 恢复: a reasoned action on the archive, not an edit."""
    household = _household_for_change(request, pk)
    form = ReasonForm(request.POST or None)
    title = "恢复档案" if household.is_closed else "归档关闭"
    if request.method == "POST" and form.is_valid():
        action = actions.reopen_archive if household.is_closed else actions.close_archive
        try:
            action(household, request.user, form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _done(request, household, f"已{title}。")
    return _action_page(request, household, form, title)


def add_contact(request, pk):
    """登记客户动态 through ``actions.log_contact``, by anyone who may read the household."""
    household = _household_for_change(request, pk)
    if not policy.can_read_household(request.user, household):
        raise PermissionDenied("您无权为该户登记客户动态。")
    form = ContactLogForm(request.POST or None, initial={"contacted_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in ContactLogForm.Meta.fields}
        try:
            actions.log_contact(household, request.user, **fields)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _done(request, household, "客户动态已登记。")
    return _action_page(request, household, form, "登记客户动态")


def _action_page(request, household, form, title):
    return render(
        request,
        "archives/admin/action_form.html",
        {"household": household, "form": form, "title": title},
    )


@archivist_only
def reports(request):
    """档案报表: late entries, unvisited new owners, missing papers and the interview quota on
    one page, four lists side by side, which a single-listing ReportView does not show."""
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in request.GET.get("month", "").split("-"))
    except ValueError:
        year, month = today.year, today.month
    # Whole lists: each is what a count on the archivist's first screen opens.
    late = attach_parents(reports_module.late_entries(today))
    unvisited = attach_parents(reports_module.unvisited_new_owners(today))
    missing = reports_module.households_missing_papers(
        attach_parents(reports_module.lacking_handover_papers())
    )
    return render(
        request,
        "archives/admin/reports.html",
        {
            "late": late,
            "unvisited": unvisited,
            "missing": missing,
            "quota": reports_module.interview_quota(year, month),
            "month": f"{year}-{month:02d}",
            "estates": Estate.objects.order_by("path"),
            "buildings": Building.objects.order_by("path"),
        },
    )


@require_POST
@requires(lambda user: user.has_perm(holds.PLACE_HOLD), "仅客户服务中心经理可以设置和解除保全。")
def lift_hold(request, pk):
    """解除保全, posted from a row of 保全登记 with its reason."""
    hold = get_object_or_404(Hold, pk=pk)
    form = LiftHoldForm(request.POST)
    try:
        reason = form.cleaned_data["lift_reason"] if form.is_valid() else ""
        holds.lift_hold(hold, request.user, reason)
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, error.messages[0] if hasattr(error, "messages") else str(error))
    else:
        messages.success(request, f"已解除保全：{hold.target_label}。")
    return redirect("archives_admin:holds")
