from django.urls import path
from wagtail import hooks

from cms import views
from cms.dashboard import WorkPanel
from core.admin_ui import UserPanel, register_readable_comparisons

register_readable_comparisons()

# Wagtail's reports about web pages (how long since publishing, which page types are used)
# mean nothing for an archive and print internal model names.
WEB_PAGE_REPORTS = {"aging-pages", "page-types-usage"}


class WelcomePanel(UserPanel):
    """The first panel of the dashboard: who is signed in and in which roles."""

    name = "welcome"
    order = 10
    template_name = "cms/welcome_panel.html"

    def get_context_data(self, parent_context):
        return {
            "user": self.user,
            "roles": [group.name for group in self.user.groups.all()],
        }


@hooks.register("construct_homepage_panels")
def add_welcome_and_work_panels(request, panels):
    panels.insert(0, WelcomePanel(request.user))
    panels.insert(1, WorkPanel(request.user))


@hooks.register("construct_reports_menu")
def hide_web_page_reports(request, menu_items):
    menu_items[:] = [item for item in menu_items if item.name not in WEB_PAGE_REPORTS]


@hooks.register("register_admin_urls")
def register_dashboard_urls():
    return [
        path(
            "work/contact-changes/",
            views.contact_changes,
            name="dashboard_contact_changes",
        )
    ]


USER_KEPT = (
    "该用户在永久保存的记录（如档案查阅登记簿、删除尝试、案件历史）中留有姓名，不能删除；"
    "请改为停用该账号。"
)


@hooks.register("before_delete_user")
def keep_users_named_in_kept_records(request, user):
    """The registers and histories refer to their users for ever (PROTECT): deleting one
    who appears there is refused in Chinese before Django's ProtectedError would be a 500;
    deactivating the account is the way to end it."""
    from django.contrib import messages
    from django.db import router
    from django.db.models import ProtectedError
    from django.db.models.deletion import Collector
    from django.shortcuts import redirect

    try:
        Collector(using=router.db_for_write(type(user))).collect([user])
    except ProtectedError:
        messages.error(request, USER_KEPT)
        return redirect("wagtailusers_users:edit", user.pk)
    return None
