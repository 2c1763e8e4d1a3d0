import django_filters
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.models import WorkflowState
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, SnippetViewSet, SnippetViewSetGroup

from cms.replies import views
from cms.replies.bulk_actions import ApproveDraftsBulkAction
from cms.replies.models import ReplyScript, ReplyTopic
from cms.replies.suggestions import scripts_for_case
from core.admin_ui import PolicyMenuItem, YesNoColumn, holding
from core.one_at_a_time import answer_under_lock

SAME_QUESTION = "已有同一问题的口径（可能是刚刚自动保存的草稿）。请到口径条目中打开它继续编辑，所填内容仍在下方。"


class ReplyScriptCreateView(CreateView):
    """A new script's autosave and its publish can both pass the form's one-question-once
    check at the same instant; the later one is told so on the question field, input kept,
    through Wagtail's own refusal path (a JSON answer for autosave)."""

    def save_instance(self):
        try:
            with transaction.atomic():
                return super().save_instance()
        except IntegrityError as error:
            self.form.add_error("question", SAME_QUESTION)
            raise PermissionDenied(SAME_QUESTION) from error


class ReplyScriptFilterSet(WagtailFilterSet):
    """The manager's count of scripts awaiting approval opens this list filtered."""

    approval = django_filters.ChoiceFilter(
        label="审批",
        choices=[("waiting", "待审批")],
        empty_label="全部",
        method="awaiting_approval",
    )

    class Meta:
        model = ReplyScript
        fields = ["topic", "live"]

    def awaiting_approval(self, queryset, name, value):
        in_review = WorkflowState.STATUS_IN_PROGRESS
        return queryset.filter(workflow_states__status=in_review).distinct()


class ReplyScriptViewSet(SnippetViewSet):
    model = ReplyScript
    icon = "openquote"
    menu_label = "口径条目"
    list_display = ["question", "topic", YesNoColumn("live", label="已发布"), "last_published_at"]
    add_view_class = ReplyScriptCreateView
    filterset_class = ReplyScriptFilterSet
    search_fields = ["question", "keywords"]
    # Substring matching in the database: SQLite's full-text backend cannot search single
    # fields (it fails with "no such column") and does not split Chinese into words.
    search_backend_name = None
    ordering = ["question"]


class ReplyTopicViewSet(SnippetViewSet):
    model = ReplyTopic
    icon = "folder-open-inverse"
    menu_label = "口径主题"
    list_display = [Column("path", label="主题"), "sort_order"]


class ReplyViewSetGroup(SnippetViewSetGroup):
    menu_label = "回复口径"
    menu_icon = "openquote"
    menu_order = 250
    items = (ReplyScriptViewSet, ReplyTopicViewSet)


register_snippet(ReplyViewSetGroup)


@hooks.register("register_admin_urls")
def register_export_urls():
    return [
        path("replies/export.xlsx", views.export_workbook, name="replies_export_xlsx"),
        path("replies/handbook.docx", views.export_handbook, name="replies_export_docx"),
        path("replies/quiz/", views.take_quiz, name="replies_quiz"),
        path("replies/quiz/<int:pk>/", views.quiz_attempt, name="replies_quiz_attempt"),
        path("replies/quiz/results/", views.quiz_results, name="replies_quiz_results"),
    ]


@hooks.register("register_admin_menu_item")
def register_quiz_menu_item():
    return MenuItem("口径熟悉度测验", reverse("replies_quiz"), icon_name="tasks", order=260)


@hooks.register("register_admin_menu_item")
def register_quiz_results_menu_item():
    return PolicyMenuItem(
        "测验成绩",
        "replies_quiz_results",
        holding("replies.view_quizattempt"),
        icon_name="table",
        order=261,
    )


hooks.register("register_bulk_action", ApproveDraftsBulkAction)


@hooks.register("before_edit_snippet")
def save_a_script_one_at_a_time(request, instance):
    """Autosave and publish of one script are answered in turn, so the later one is judged
    against the revision the first one wrote."""
    if isinstance(instance, ReplyScript):
        return answer_under_lock(request, ReplyScript.objects.filter(pk=instance.pk))
    return None


hooks.register("reply_scripts_for_case", scripts_for_case)
