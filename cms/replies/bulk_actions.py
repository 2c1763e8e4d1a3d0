"""批量审批: managers approve many draft reply scripts at once from the snippet listing."""

from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction

from cms.replies.actions import approve_drafts, has_draft
from cms.replies.models import ReplyScript

PUBLISH_PERMISSION = "replies.publish_replyscript"


class ApproveDraftsBulkAction(SnippetBulkAction):
    display_name = "审批发布"
    action_type = "approve_drafts"
    aria_label = "审批并发布所选口径的草稿"
    template_name = "replies/bulk_actions/confirm_bulk_approve.html"
    action_priority = 20
    models = [ReplyScript]

    def check_perm(self, snippet):
        return self.request.user.has_perm(PUBLISH_PERMISSION)

    def object_context(self, snippet):
        return {**super().object_context(snippet), "has_draft": has_draft(snippet)}

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        return approve_drafts(objects, user), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return f"已审批发布 {num_parent_objects} 条口径，每条均记入修订历史。"
