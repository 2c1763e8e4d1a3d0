import pytest
from django.contrib.auth import get_user_model

from cases import actions
from cases.models import Case, CaseTopic
from core.roles import STAFF


@pytest.fixture
def staff(role_groups):
    user = get_user_model().objects.create_user(
        "kefu-portal", password="x", is_staff=True, last_name="陈", first_name="佳怡"
    )
    user.groups.add(role_groups[STAFF])
    return user


@pytest.fixture
def complaint(staff):
    def make(**fields):
        values = {
            "kind": Case.Kind.COMPLAINT,
            "channel": Case.Channel.PHONE,
            "reporter_name": "赵先生",
            "reporter_phone": "139 1234 5678",
            "topic": CaseTopic.objects.get_or_create(name="噪音")[0],
            "description": "楼上每晚十一点后拖动家具",
            "location": "3栋1201",
        }
        values.update(fields)
        return actions.create_case(staff, **values)

    return make


@pytest.fixture
def replied(complaint, staff):
    case = complaint()
    actions.start_handling(case, staff, note="已联系楼上 陈佳怡 跟进")
    actions.reply(case, staff, "已与楼上住户沟通，加装家具脚垫，并约定夜间十点后不再挪动。")
    case.refresh_from_db()
    return case
