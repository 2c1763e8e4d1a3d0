"""Each operation through HTTP with the scopes it needs, asking the same policies as the admin."""

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import actions
from cases.models import Case, FollowUpVisit
from cms.archives.models import AccessGrant, AccessRecord, DeletionAttempt, HouseholdArchive

COMPLAINT = {
    "channel": "phone",
    "reporter_name": "赵先生",
    "reporter_phone": "13912345678",
    "description": "楼上每晚十一点后拖动家具，影响休息",
    "topic": "噪音",
    "location": "3栋1201",
}


@pytest.fixture
def register(staff, token_for, call):
    key = token_for(staff, "cases:register", "cases:read")

    def post(**changes):
        return call("post", "/api/cases/complaints", key, json={**COMPLAINT, **changes})

    post.key = key
    return post


@pytest.mark.django_db
def test_registering_a_complaint_numbers_it_and_prepares_the_owners_link(register, staff):
    response = register()
    assert response.status_code == 201, response.content
    body = response.json()
    case = Case.objects.get(pk=body["id"])
    assert body["number"] == case.number and case.number.startswith("投诉-")
    assert (case.channel, case.created_by, case.status) == ("phone", staff, "accepted")
    assert case.response_due_at is not None and body["steps"][0]["action"] == "受理"
    link = body["owner_link"]
    assert link["url"].startswith("http") and "/track/" in link["url"]
    assert case.number in link["sms_text"] and link["url"] in link["sms_text"]


@pytest.mark.django_db
def test_without_a_phone_there_is_no_link_and_bad_input_is_explained(register):
    assert register(reporter_phone="").json()["owner_link"] is None
    bad = register(channel="pigeon", description="")
    assert bad.status_code == 422
    body = bad.json()
    assert body["code"] == "invalid_input" and body["message"].startswith("输入有误")
    assert {e["field"] for e in body["errors"]} == {"channel", "description"}
    unknown = register(topic="不存在的主题")
    assert (unknown.status_code, unknown.json()["code"]) == (422, "unknown_topic")


@pytest.mark.django_db
def test_malformed_json_is_a_clear_400_not_a_500(staff, token_for, client):
    key = token_for(staff, "cases:register")
    response = client.post(
        "/api/cases/complaints",
        data="{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code in (400, 422)
    assert response.json()["message"]


@pytest.mark.django_db
def test_staff_see_only_their_own_cases(register, other_staff, token_for, call, manager):
    mine = register().json()
    other_key = token_for(other_staff, "cases:read")
    assert call("get", "/api/cases/", other_key).json()["total"] == 0
    assert call("get", f"/api/cases/{mine['id']}", other_key).status_code == 404
    manager_key = token_for(manager, "cases:read")
    listed = call("get", "/api/cases/?kind=complaint", manager_key).json()
    assert [item["number"] for item in listed["items"]] == [mine["number"]]


@pytest.mark.django_db
def test_steps_and_a_satisfied_visit_close_the_case(register, staff, call):
    case_id = register().json()["id"]
    step = call(
        "post",
        f"/api/cases/{case_id}/steps",
        register.key,
        json={"action": "电话联系业主", "note": "约定明晚上门"},
    )
    assert step.status_code == 201 and step.json()["by"] == "陈佳怡"
    early = call(
        "post",
        f"/api/cases/{case_id}/visits",
        register.key,
        json={"method": "phone", "satisfaction": 5},
    )
    assert (early.status_code, early.json()["code"]) == (409, "invalid_transition")
    case = Case.objects.get(pk=case_id)
    actions.start_handling(case, staff)
    actions.reply(case, staff, "已与楼上住户沟通，加装家具脚垫")
    visit = call(
        "post",
        f"/api/cases/{case_id}/visits",
        register.key,
        json={"method": "phone", "satisfaction": 5},
    )
    assert visit.status_code == 201
    assert visit.json()["satisfied"] is True and visit.json()["case"]["status"] == "closed"
    assert FollowUpVisit.objects.get(case=case).by == staff


@pytest.mark.django_db
def test_only_those_who_may_handle_a_case_add_steps(register, other_staff, token_for, call):
    case_id = register().json()["id"]
    key = token_for(other_staff, "cases:register", "cases:read")
    assert (
        call("post", f"/api/cases/{case_id}/steps", key, json={"action": "看看"}).status_code == 404
    )


@pytest.mark.django_db
def test_archive_reading_needs_a_grant_is_registered_and_masked(
    tree, staff, manager, token_for, call
):
    from cms.archives.actions import approve_access

    household = tree["household"]
    key = token_for(staff, "archives")
    url = f"/api/archives/households/{household.pk}"
    refused = call("get", url, key)
    assert (refused.status_code, refused.json()["code"]) == (403, "archive_forbidden")
    assert not AccessRecord.objects.exists()

    asked = call(
        "post",
        "/api/archives/access-requests",
        key,
        json={"household_id": household.pk, "reason": "处理噪音投诉需联系业主", "duration_days": 1},
    )
    assert asked.status_code == 201 and asked.json()["status"] == "pending"
    approve_access(AccessGrant.objects.get(pk=asked.json()["id"]), manager)

    read = call("get", url, key)
    assert read.status_code == 200
    owner = read.json()["owners"][0]
    assert owner["name"] == "张伟"
    assert (
        "13812345678" not in read.content.decode()
        and "110101199003077777" not in read.content.decode()
    )
    assert owner["phone"].startswith("138") and "*" in owner["phone"]
    record = AccessRecord.objects.get()
    assert (record.user, record.household, record.via) == (staff, household, "api")

    assert call("get", "/api/archives/register", key).status_code == 403
    register = call("get", "/api/archives/register", token_for(manager, "archives")).json()
    assert register["total"] == 1 and register["items"][0]["via"] == "接口"


@pytest.mark.django_db
def test_archive_scope_is_needed_even_for_archivists(tree, archivist, token_for, call):
    key = token_for(archivist, "cases:read")
    response = call("get", f"/api/archives/households/{tree['household'].pk}", key)
    assert response.json()["code"] == "scope_missing"
    assert (
        call(
            "get",
            f"/api/archives/households/{tree['household'].pk}",
            token_for(archivist, "archives"),
        ).status_code
        == 200
    )


@pytest.mark.django_db
def test_deleting_an_archive_page_through_any_api_is_refused_and_recorded(
    tree, archivist, token_for, call, client
):
    household = tree["household"]
    key = token_for(archivist, "archives")
    ninja = call("delete", f"/api/pages/{household.pk}", key)
    assert (ninja.status_code, ninja.json()["code"]) == (403, "archive_permanent")
    building = call("delete", f"/api/pages/{tree['building'].pk}", key)
    assert building.status_code == 403
    v2 = client.delete(f"/api/v2/pages/{household.pk}/")
    assert v2.status_code == 403 and v2.json()["code"] == "archive_permanent"
    assert HouseholdArchive.objects.filter(pk=household.pk).exists()
    attempts = DeletionAttempt.objects.order_by("pk")
    assert [a.via for a in attempts] == ["api", "api", "api"]
    assert attempts[0].user == archivist
    assert client.get(f"/api/v2/pages/{household.pk}/").status_code == 404
    listing = client.get("/api/v2/pages/").json()
    assert household.pk not in [item["id"] for item in listing["items"]]


@pytest.mark.django_db
def test_notice_verification_and_register_entry(
    tree, manager, staff, token_for, call, settings, tmp_path
):
    from doc_templates.actions import run_batch, start_batch
    from doc_templates.models import Notice

    settings.PRIVATE_MEDIA_ROOT = str(tmp_path)
    settings.NOTICE_PDF_ENABLED = False
    run_batch(start_batch(tree["building"], "噪音", manager))
    notice = Notice.objects.get()
    key = token_for(staff, "cases:read")
    upload = SimpleUploadedFile("通知.docx", notice.read_bytes())
    verified = call("post", "/api/notices/verify", key, data={"file": upload})
    assert verified.status_code == 200
    assert verified.json()["matched"] is True and verified.json()["number"] == notice.number
    forged = call(
        "post",
        "/api/notices/verify",
        key,
        data={"file": SimpleUploadedFile("x.docx", b"PK\x03\x04 other")},
    )
    assert forged.json()["matched"] is False and forged.json()["message"]

    entry = call("get", f"/api/notices/{notice.number}", token_for(manager, "cases:read"))
    assert entry.status_code == 200
    assert entry.json()["sha256"] == notice.sha256 and entry.json()["issued_by"] == "王立新"
    assert (
        call("get", "/api/notices/不存在-2026-0001", token_for(manager, "cases:read")).status_code
        == 404
    )


@pytest.mark.django_db
def test_the_schema_and_docs_are_in_chinese(client):
    schema = client.get("/api/openapi.json").json()
    assert schema["openapi"].startswith("3.1")
    assert schema["info"]["title"] == "物业档案与案件库 接口"
    summaries = [op["summary"] for path in schema["paths"].values() for op in path.values()]
    assert "登记投诉" in summaries and "查阅业户档案" in summaries
    docs = client.get("/api/docs").content.decode()
    assert 'lang="zh-CN"' in docs and "api/swagger-zh.js" in docs
    from django.contrib.staticfiles import finders

    labels = Path(finders.find("api/swagger-zh.js")).read_text(encoding="utf-8")
    assert '"Try it out": "试一试"' in labels and '"Execute": "执行"' in labels


@pytest.mark.django_db
def test_the_call_centre_links_a_complaint_to_the_callers_household_without_a_reading_grant(
    register, tree
):
    """As in the admin intake: linking a complaint to the caller's address is not reading
    the archive, so staff without a grant link it, and nothing of the owner comes back."""
    household = tree["household"]
    response = register(household_id=household.pk)
    assert response.status_code == 201, response.content
    assert Case.objects.get(pk=response.json()["id"]).household == household
    assert "张伟" not in response.text and "13812345678" not in response.text
    assert not AccessRecord.objects.filter(household=household).exists()


def as_text(response):
    return json.dumps(response.json(), ensure_ascii=False)


@pytest.mark.django_db
def test_cases_with_a_household_name_no_owner_in_lists_filters_pages_or_errors(
    register, tree, staff, other_staff, token_for, call
):
    """A case linked to a household carries its address, never what the archive says."""
    created = register(household_id=tree["household"].pk).json()
    bodies = [
        as_text(call("get", "/api/cases/", register.key)),
        as_text(call("get", f"/api/cases/?number={created['number']}&limit=1&offset=0",
                     register.key)),
        as_text(call("get", f"/api/cases/{created['id']}", register.key)),
    ]
    assert all("翠湖花园 3栋 2单元 1201室" in body for body in bodies)
    outsider = token_for(other_staff, "cases:read", "archives")
    refusals = [
        call("get", f"/api/cases/{created['id']}", outsider),
        call("get", f"/api/archives/households/{tree['household'].pk}", outsider),
    ]
    assert [r.status_code for r in refusals] == [404, 403]
    for body in bodies + [as_text(r) for r in refusals]:
        assert "张伟" not in body and "13812345678" not in body and "110101" not in body
    assert not AccessRecord.objects.exists()
