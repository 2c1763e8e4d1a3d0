from cms.replies.actions import ensure_approval_workflow
from core.roles import MANAGER, SUPERVISOR, grant

EDIT = ("replies.add_replyscript", "replies.change_replyscript", "replies.view_replyscript")


def setup(groups):
    # Staff get no snippet permission at all: the snippet admin opens the latest
    # draft, and staff must only ever read approved wording (search, exports,
    # API). Supervisors draft; the department head (manager) approves and publishes.
    grant(groups[SUPERVISOR], *EDIT, "replies.lock_replyscript", "replies.view_replytopic")
    grant(
        groups[MANAGER],
        *EDIT,
        "replies.publish_replyscript",
        "replies.lock_replyscript",
        "replies.add_replytopic",
        "replies.change_replytopic",
        "replies.view_replytopic",
        "search.add_synonymgroup",
        "search.change_synonymgroup",
        "search.delete_synonymgroup",
        "search.view_synonymgroup",
        "replies.view_quizattempt",
    )
    ensure_approval_workflow(groups[MANAGER])
