from django.urls import include, path
from wagtail import hooks
from wagtail.admin.menu import Menu, SubmenuMenuItem
from wagtail.log_actions import LogFormatter

from core.admin_ui import PolicyMenuItem
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


notice_menu = Menu(
    items=[
        PolicyMenuItem(
            "案件文书", "issued_notices:index", can_view_notices, icon_name="doc-full", order=100
        ),
        PolicyMenuItem(
            "核验文书",
            "doc_templates:verify",
            lambda user: user.is_authenticated,
            icon_name="success",
            order=200,
        ),
        PolicyMenuItem(
            "批量三方温馨提示", "notice_batches:index", can_issue, icon_name="group", order=300
        ),
        PolicyMenuItem(
            "文书模板",
            "notice_templates:index",
            can_manage_templates,
            icon_name="doc-empty",
            order=400,
        ),
    ]
)


@hooks.register("register_admin_menu_item")
def register_notice_menu():
    return SubmenuMenuItem("通知文书", notice_menu, icon_name="doc-full", name="notices", order=400)
