"""A complaint that was registered must be reported as registered, even when the database
fails in the work that runs after the commit (search bookkeeping); and sending the same
intake form again must not register it twice."""

import re

import pytest
from conftest import case_form
from django.db import OperationalError, connection, transaction
from django.db.models.signals import pre_save

from cases.models import Case, CaseTopic

TOKEN = re.compile(r'name="form_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="form_token"')


def intake_token(client):
    html = client.get("/admin/cases/new/").content.decode()
    match = TOKEN.search(html)
    assert match, "the intake form carries no token"
    return match.group(1) or match.group(2)


def new_complaint_form(token):
    topic = CaseTopic.objects.get(name="维修")
    template = Case(
        kind=Case.Kind.COMPLAINT,
        channel=Case.Channel.PHONE,
        reporter_name="钱女士",
        location="2栋电梯",
        topic=topic,
        description="电梯按钮失灵两天了",
    )
    from django.utils import timezone

    template.received_at = timezone.now()
    return {**case_form(template), "version": 1, "form_token": token}


@pytest.fixture
def database_fails_after_commit():
    """From the moment the intake commits, every write of the request fails, as on a disk
    that fills up or a primary that fails over; the session itself is left to work."""
    state = {"failing": False, "refused": 0}

    def start_failing_after_commit(sender, instance, **kwargs):
        if instance._state.adding:
            transaction.on_commit(lambda: state.update(failing=True))

    def refuse_writes(execute, sql, params, many, context):
        write = sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        if state["failing"] and write and "django_session" not in sql:
            state["refused"] += 1
            raise OperationalError("disk I/O error (simulated after commit)")
        return execute(sql, params, many, context)

    pre_save.connect(start_failing_after_commit, sender=Case, dispatch_uid="fail-after-commit")
    with connection.execute_wrapper(refuse_writes):
        yield state
    pre_save.disconnect(sender=Case, dispatch_uid="fail-after-commit")
    state["failing"] = False


@pytest.mark.django_db(transaction=True)
def test_a_committed_intake_is_reported_as_registered_when_after_commit_work_fails(
    client, staff, settings, stopped_search_node, database_fails_after_commit
):
    # With the node away the change is queued in the database, which now fails as well.
    settings.ELASTICSEARCH_URL = stopped_search_node
    client.force_login(staff)
    token = intake_token(client)
    response = client.post("/admin/cases/new/", new_complaint_form(token))
    database_fails_after_commit["failing"] = False
    assert database_fails_after_commit["refused"] > 0, "no after-commit write was attempted"
    case = Case.objects.get(description="电梯按钮失灵两天了")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/cases/{case.pk}/"
    assert "已受理" in client.get(response["Location"]).content.decode()


@pytest.mark.django_db(transaction=True)
def test_sending_the_intake_form_again_leads_to_the_first_case(client, staff, elasticsearch_node):
    client.force_login(staff)
    form = new_complaint_form(intake_token(client))
    first = client.post("/admin/cases/new/", form)
    again = client.post("/admin/cases/new/", form)
    assert Case.objects.filter(description="电梯按钮失灵两天了").count() == 1
    case = Case.objects.get(description="电梯按钮失灵两天了")
    assert first["Location"] == again["Location"] == f"/admin/cases/{case.pk}/"
    page = client.get(again["Location"]).content.decode()
    assert "此表单已提交过" in page and case.number in page
    fresh = client.post("/admin/cases/new/", new_complaint_form(intake_token(client)))
    assert fresh.status_code == 302
    assert Case.objects.filter(description="电梯按钮失灵两天了").count() == 2
