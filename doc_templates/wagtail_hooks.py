from django.urls import include, path, reverse_lazy
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.log_actions import LogFormatter

from doc_templates import urls_admin
from doc_templates.listings import NoticeBatchViewSet, NoticeViewSet, TemplateVersionViewSet
from doc_templates.models import Delivery
from doc_templates.policy import can_issue, can_manage_templates, can_view_notices


@hooks.register("register_admin_urls")
def register_notice_urls():
    return [path("notices/", include(urls_admin, namespace="doc_templates"))]


@hooks.register("register_log_actions")
def register_notice_log_actions(actions):
    """A notice's history (its viewset's 历史记录): issuing, correction, delivery and the
    signed PDF, never a name the notice carries."""
    actions.register_action("doc_templates.issue", "签发", "签发文书")

    @actions.register_action("doc_templates.correct")
    class Corrected(LogFormatter):
        label = "更正"

        def format_message(self, log_entry):
            return f"已被更正，由 {log_entry.data.get('by', '')} 取代"

    @actions.register_action("doc_templates.deliver")
    class Delivered(LogFormatter):
        label = "送达"

        def format_message(self, log_entry):
            return f"登记送达：{Delivery.Method(log_entry.data['method']).label}"

    @actions.register_action("doc_templates.pdf")
    class SignedPdf(LogFormatter):
        label = "签名PDF"

        def format_message(self, log_entry):
            error = log_entry.data.get("error")
            return f"未生成签名PDF：{error}" if error else "签名PDF已生成"


@hooks.register("register_admin_viewset")
def register_notice_viewsets():
    return [NoticeViewSet(), TemplateVersionViewSet(), NoticeBatchViewSet()]


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, allowed, **kwargs):
        self.allowed = allowed
        super().__init__(*args, **kwargs)

    def is_shown(self, request):
        return self.allowed(request.user)


notice_menu = Menu(
    items=[
        PermissionMenuItem(
            "案件文书",
            reverse_lazy("issued_notices:index"),
            icon_name="doc-full",
            order=100,
            allowed=can_view_notices,
        ),
        PermissionMenuItem(
            "核验文书",
            reverse_lazy("doc_templates:verify"),
            icon_name="success",
            order=200,
            allowed=lambda user: user.is_authenticated,
        ),
        PermissionMenuItem(
            "批量三方温馨提示",
            reverse_lazy("notice_batches:index"),
            icon_name="group",
            order=300,
            allowed=can_issue,
        ),
        PermissionMenuItem(
            "文书模板",
            reverse_lazy("notice_templates:index"),
            icon_name="doc-empty",
            order=400,
            allowed=can_manage_templates,
        ),
    ]
)


@hooks.register("register_admin_menu_item")
def register_notice_menu():
    return SubmenuMenuItem("通知文书", notice_menu, icon_name="doc-full", name="notices", order=400)
