"""The owner's link in the admin: staff open it from a case to copy the SMS text."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import path
from wagtail import hooks

from cases.models import Case
from cases.policy import can_view_case
from portal.links import owner_link


def owner_link_page(request, case_id):
    case = get_object_or_404(Case, pk=case_id)
    if not can_view_case(request.user, case):
        raise Http404("没有找到该案件。")
    return render(
        request,
        "portal/admin_owner_link.html",
        {
            "page_title": f"业主查询链接：{case.number}",
            "header_icon": "link",
            "case": case,
            "link": owner_link(case),
        },
    )


@hooks.register("register_admin_urls")
def portal_admin_urls():
    return [path("cases/<int:case_id>/owner-link/", owner_link_page, name="portal_owner_link")]
