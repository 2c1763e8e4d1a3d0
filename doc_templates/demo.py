"""Demo content for notices: the bundled templates as version 1, and one issued
整改通知书 on the first demo violation case with a household."""

from django.contrib.auth import get_user_model

from doc_templates.actions import issue_notice
from doc_templates.kinds import NoticeKind
from doc_templates.models import Notice, TemplateVersion
from doc_templates.policy import can_issue
from doc_templates.values import NoticeOptions


def load(groups, stdout):
    for kind in NoticeKind:
        TemplateVersion.objects.current(kind)
    if Notice.objects.exists():
        return
    from cases.models import Case

    manager = get_user_model().objects.filter(username="jingli").first()
    # A 整改通知书 goes to the offending household: a violation case on file with one.
    violations = Case.objects.filter(kind=Case.Kind.VIOLATION).exclude(household=None)
    case = violations.order_by("received_at").first()
    if manager is None or case is None or not can_issue(manager):
        return
    notice = issue_notice(
        NoticeKind.RECTIFICATION,
        manager,
        case=case,
        options=NoticeOptions(
            basis="《管理规约》第十二条",
            action="停止违规行为，并在期限内恢复原状",
            deadline_days=5,
        ),
    )
    stdout.write(f"演示文书：已签发 {notice.number}")
