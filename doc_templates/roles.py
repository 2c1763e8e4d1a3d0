"""Notice permissions: managers issue (签发) and upload templates; staff and
supervisors read issued notices and record their delivery."""

from core.roles import MANAGER, STAFF, SUPERVISOR, grant


def setup(groups):
    for key in (STAFF, SUPERVISOR, MANAGER):
        grant(groups[key], "doc_templates.view_notice", "doc_templates.add_delivery")
    grant(
        groups[MANAGER],
        "doc_templates.issue_notice",
        "doc_templates.view_templateversion",
        "doc_templates.add_templateversion",
        "doc_templates.view_noticebatch",
        "doc_templates.add_noticebatch",
    )
