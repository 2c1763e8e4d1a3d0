from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from cms.replies import views
from cms.replies.bulk_actions import ApproveDraftsBulkAction
from cms.replies.models import ReplyScript, ReplyTopic
from cms.replies.suggestions import scripts_for_case
from core.admin_ui import YesNoColumn


class ReplyScriptViewSet(SnippetViewSet):
    model = ReplyScript
    icon = "openquote"
    menu_label = "口径条目"
    list_display = ["question", "topic", YesNoColumn("live", label="已发布"), "last_published_at"]
    list_filter = ["topic", "live"]
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


class QuizResultsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("replies.view_quizattempt")


@hooks.register("register_admin_menu_item")
def register_quiz_results_menu_item():
    return QuizResultsMenuItem(
        "测验成绩", reverse("replies_quiz_results"), icon_name="table", order=261
    )


hooks.register("register_bulk_action", ApproveDraftsBulkAction)
hooks.register("reply_scripts_for_case", scripts_for_case)
