"""Users per role and a registered complaint, for the fault tests."""

import pytest
from django.contrib.auth import get_user_model

from cases import actions
from cases.models import Case, CaseTopic
from cms.roles import STAFF, SUPERVISOR


def make_user(groups, role, username):
    user = get_user_model().objects.create_user(username, password="pw-robust-1", is_staff=True)
    user.groups.add(groups[role])
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def staff(role_groups):
    return make_user(role_groups, STAFF, "kefu-r")


@pytest.fixture
def supervisor(role_groups):
    return make_user(role_groups, SUPERVISOR, "zhuguan-r")


@pytest.fixture
def complaint(staff):
    return actions.create_case(
        staff,
        kind=Case.Kind.COMPLAINT,
        channel=Case.Channel.PHONE,
        reporter_name="赵先生",
        topic=CaseTopic.objects.get(name="噪音"),
        description="楼上夜间拖动家具，影响休息",
        location="5栋1单元302室",
        handler=staff,
    )


def case_form(case, **overrides):
    """The edit form as the browser posts it for ``case``."""
    data = {
        "kind": case.kind,
        "channel": case.channel,
        "received_at": case.received_at.astimezone().strftime("%Y-%m-%d %H:%M"),
        "reporter_name": case.reporter_name,
        "reporter_phone": "",
        "location": case.location,
        "topic": case.topic_id,
        "description": case.description,
        "department": "工程部",
        "severity": "general",
        "people_count": 1,
        "times_count": 1,
        "version": case.version,
    }
    data.update(overrides)
    return data
