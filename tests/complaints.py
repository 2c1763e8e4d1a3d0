"""The complaint most tests start from: 赵先生 phones about noise from upstairs at night."""

from cases import actions
from cases.models import Case, CaseTopic


def register_complaint(by, **fields):
    """A case registered by ``by`` through the intake action; ``fields`` change any part."""
    values = {
        "kind": Case.Kind.COMPLAINT,
        "channel": Case.Channel.PHONE,
        "reporter_name": "赵先生",
        "topic": CaseTopic.objects.get(name="噪音"),
        "description": "楼上夜间拖动家具，影响休息",
        "location": "5栋1单元302室",
    }
    values.update(fields)
    return actions.create_case(by, **values)
