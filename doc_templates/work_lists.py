"""The notices' work list on cases: signed rectification decisions whose 整改通知书 has not
gone out yet, in the case list (?work=notice_due) and on the manager's dashboard."""

from django.db.models import Exists, OuterRef

from cases.filters import register_work_list
from doc_templates.kinds import NoticeKind
from doc_templates.models import Notice


def rectification_notice_due(cases):
    issued = Notice.objects.filter(case=OuterRef("pk"), kind=NoticeKind.RECTIFICATION)
    return cases.signed_rectification_decisions().exclude(Exists(issued))


register_work_list(
    "notice_due", "待签发整改通知书", lambda cases, user: rectification_notice_due(cases)
)
