import pytest
from complaints import register_complaint
from staff_accounts import role_account

from cases import actions
from core.roles import STAFF

staff = role_account(STAFF, "kefu-portal", "陈", "佳怡")


@pytest.fixture
def complaint(staff):
    def make(**fields):
        values = {
            "reporter_phone": "139 1234 5678",
            "description": "楼上每晚十一点后拖动家具",
            "location": "3栋1201",
        }
        return register_complaint(staff, **{**values, **fields})

    return make


@pytest.fixture
def replied(complaint, staff):
    case = complaint()
    actions.start_handling(case, staff, note="已联系楼上 陈佳怡 跟进")
    actions.reply(case, staff, "已与楼上住户沟通，加装家具脚垫，并约定夜间十点后不再挪动。")
    case.refresh_from_db()
    return case
