"""Tokens: hashed at rest, scoped, expiring, revocable, rate limited; no session login."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import APIToken

from api.models import TokenTerms
from api.tokens import revoke_token

SEARCH = "/api/scripts/search?q=物业费"
CASES = "/api/cases/"


@pytest.mark.django_db
def test_the_key_is_stored_only_as_a_digest(staff, token_for):
    key = token_for(staff, "cases:read")
    token = APIToken.objects.get(user=staff)
    assert key not in {token.key_hash, token.prefix, token.name}
    assert key.startswith(token.prefix) and len(token.key_hash) == 64
    assert token.terms.scopes == ["cases:read"]


@pytest.mark.django_db
def test_no_token_a_wrong_token_and_a_signed_in_session_are_all_refused(staff, call, client):
    missing = call("get", CASES)
    assert missing.status_code == 401
    assert missing.json()["code"] == "token_missing" and "令牌" in missing.json()["message"]
    assert call("get", CASES, "wagtail_notarealtoken").json()["code"] == "token_invalid"
    client.force_login(staff)
    assert client.get(CASES).status_code == 401


@pytest.mark.django_db
def test_a_token_works_only_within_its_scopes(staff, token_for, call):
    key = token_for(staff, "cases:read")
    assert call("get", CASES, key).status_code == 200
    refused = call("post", "/api/cases/complaints", key, json={})
    assert refused.status_code == 403
    assert refused.json() == {
        "code": "scope_missing",
        "message": "此令牌没有「登记和办理案件」权限范围。",
        "errors": None,
    }


@pytest.mark.django_db
def test_expired_and_revoked_tokens_stop_working_and_use_is_recorded(staff, token_for, call):
    key = token_for(staff, "cases:read")
    token = APIToken.objects.get(user=staff)
    assert token.last_used_at is None
    assert call("get", CASES, key).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None

    TokenTerms.objects.filter(token=token).update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = call("get", CASES, key)
    assert (expired.status_code, expired.json()["code"]) == (401, "token_expired")

    TokenTerms.objects.filter(token=token).update(expires_at=timezone.now() + timedelta(days=1))
    revoke_token(token)
    revoked = call("get", CASES, key)
    assert (revoked.status_code, revoked.json()["code"]) == (401, "token_revoked")


@pytest.mark.django_db
def test_a_wagtail_token_without_terms_is_refused(staff, call):
    _token, key = APIToken.create_token(user=staff, name="没有期限")
    assert call("get", CASES, key).json()["code"] == "token_without_terms"


@pytest.mark.django_db
def test_rate_limit_answers_429_with_retry_after(staff, token_for, call, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    key = token_for(staff, "cases:read")
    answers = [call("get", CASES, key) for _ in range(5)]
    assert [a.status_code for a in answers[:3]] == [200, 200, 200]
    limited = answers[3]
    # A request on the minute boundary may open a fresh window; at least one is refused.
    if limited.status_code == 200:
        limited = answers[4]
    assert limited.status_code == 429
    assert limited.json()["code"] == "rate_limited"
    assert "每分钟最多 3 次" in limited.json()["message"]
    assert 1 <= int(limited["Retry-After"]) <= 60
    other = token_for(staff, "cases:read")
    assert call("get", CASES, other).status_code == 200


@pytest.mark.django_db
def test_the_limit_counts_what_other_server_processes_counted(staff, token_for, call, settings):
    from django.utils import timezone

    from api.models import TokenTerms

    settings.API_RATE_LIMIT_PER_MINUTE = 3
    key = token_for(staff, "cases:read")
    # Another gunicorn worker has already answered three requests with this token this minute.
    window = timezone.now().replace(second=0, microsecond=0)
    TokenTerms.objects.filter(token__user=staff).update(window_start=window, window_count=3)
    answer = call("get", CASES, key)
    if answer.status_code == 200:  # the minute turned in between
        return
    assert answer.status_code == 429
    assert answer.json()["code"] == "rate_limited"


@pytest.mark.django_db
def test_command_creates_lists_and_revokes(staff, call):
    out, err = StringIO(), StringIO()
    call_command(
        "api_token",
        "create",
        "--user",
        staff.username,
        "--name",
        "呼叫中心",
        "--scope",
        "cases:read",
        "--days",
        "7",
        stdout=out,
        stderr=err,
    )
    key = out.getvalue().strip()
    assert "只显示这一次" in err.getvalue()
    assert call("get", CASES, key).status_code == 200
    listing = StringIO()
    call_command("api_token", "list", stdout=listing)
    token = APIToken.objects.get(user=staff)
    assert token.prefix in listing.getvalue() and "查看案件与文书" in listing.getvalue()
    call_command("api_token", "revoke", token.prefix, stdout=StringIO())
    assert call("get", CASES, key).status_code == 401


@pytest.mark.django_db
def test_admin_creates_a_scoped_token_shown_once_and_revokes_it(admin_client, staff, call):
    page = admin_client.get("/admin/api-tokens/new/")
    assert page.status_code == 200 and "权限范围" in page.content.decode()
    created = admin_client.post(
        "/admin/api-tokens/new/",
        {
            "user": staff.pk,
            "name": "微信小程序",
            "scopes": ["cases:register", "cases:read"],
            "days": 30,
        },
    )
    html = created.content.decode()
    assert "不会再次显示" in html
    token = APIToken.objects.get(user=staff)
    key = html.split('id="api-token-value" value="')[1].split('"')[0]
    assert key.startswith(token.prefix)
    assert token.terms.scopes == ["cases:read", "cases:register"]
    assert call("get", CASES, key).status_code == 200
    listing = admin_client.get("/admin/api-tokens/").content.decode()
    assert "微信小程序" in listing and "登记和办理案件" in listing and "有效" in listing
    admin_client.post(f"/admin/api-tokens/delete/{token.pk}/")
    token.refresh_from_db()
    assert token.revoked_at is not None and APIToken.objects.filter(pk=token.pk).exists()
    assert call("get", CASES, key).status_code == 401
