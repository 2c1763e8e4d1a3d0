"""Two saves of one case at the same instant: both pass the form's version check, one
lands first, and the other must get the 保存被拒绝 message with the typed text kept."""

import pytest
from conftest import case_form
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague_saves_first(complaint):
    """Lands the colleague's save between this request's version check in the form and its
    own versioned write: the interleaving of two requests sent at the same instant."""
    landed = []

    def land_other_save_first(execute, sql, params, many, context):
        if not landed and sql.startswith('UPDATE "cases_case" SET "version"'):
            landed.append(sql)
            execute(
                'UPDATE "cases_case" SET "version" = "version" + 1, "location" = %s WHERE "id" = %s',
                ["3栋大堂（同事已改）", complaint.pk],
                False,
                context,
            )
        return execute(sql, params, many, context)

    with connection.execute_wrapper(land_other_save_first):
        yield landed


def test_the_later_of_two_simultaneous_saves_is_refused_in_chinese(
    client, staff, complaint, colleague_saves_first
):
    client.force_login(staff)
    response = client.post(
        f"/admin/cases/edit/{complaint.pk}/",
        case_form(complaint, description="我的补充说明不能丢"),
    )
    body = response.content.decode()
    assert colleague_saves_first, "the colleague's save never met this one"
    assert response.status_code == 200
    assert "保存被拒绝" in body and "我的补充说明不能丢" in body
    complaint.refresh_from_db()
    assert complaint.description != "我的补充说明不能丢"
