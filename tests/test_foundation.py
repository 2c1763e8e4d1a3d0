"""The foundation: settings, database, Elasticsearch, health, demo data, admin in Chinese."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from search.indices import ChineseDocument, index_name

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    parent_env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**parent_env, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


class TestChineseMatching:
    def test_traditional_and_partial_queries_find_a_simplified_document(self, elasticsearch_node):
        index = index_name("foundation")
        ChineseDocument.init(index=index, using=elasticsearch_node)
        ChineseDocument.from_text("1", "业户投诉处理流程", "受理后一个工作日内答复").save(
            index=index, using=elasticsearch_node, refresh=True
        )
        ChineseDocument.from_text("2", "停车收费标准", "月租车位").save(
            index=index, using=elasticsearch_node, refresh=True
        )

        def hits(text):
            return [hit.meta.id for hit in ChineseDocument.search_text(text, index).execute()]

        assert hits("業戶投訴") == ["1"]
        assert hits("投诉") == ["1"]
        assert hits("车位") == ["2"]
        assert hits("装修押金") == []


@pytest.mark.django_db
class TestDatabase:
    def test_every_migration_is_applied_from_zero(self):
        executor = MigrationExecutor(connection)
        assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []

    def test_models_match_their_migrations(self):
        call_command("makemigrations", "--check", "--dry-run", verbosity=0)

    def test_chinese_text_round_trip(self):
        Group.objects.create(name="片区管家·三号楼（東區）")
        assert Group.objects.get(name__contains="東區").name == "片区管家·三号楼（東區）"

    def test_runs_on_postgresql_when_database_url_is_set(self):
        expected = (
            "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
        )
        assert connection.vendor == expected


@pytest.mark.django_db
class TestHealth:
    def test_reports_both_services_up(self, client, elasticsearch_node):
        response = client.get("/healthz")
        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "ok"
        assert body["database"]["ok"] and body["elasticsearch"]["ok"]

    def test_reports_a_stopped_elasticsearch_as_down(self, client, settings):
        settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
        response = client.get("/healthz")
        assert response.status_code == 503
        body = response.json()
        assert body["status"] == "down"
        assert body["database"]["ok"] is True
        assert body["elasticsearch"]["ok"] is False
        assert "Elasticsearch 无法连接" in body["elasticsearch"]["detail"]


class TestSettings:
    def test_production_without_secret_key_refuses_to_start(self):
        result = run_manage("check", DEBUG="0", SECRET_KEY="")
        assert result.returncode != 0
        assert "SECRET_KEY is not set" in result.stderr

    def test_production_settings_pass_the_deploy_check(self):
        result = run_manage(
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            DEBUG="0",
            SECRET_KEY="x" * 30 + "a-long-random-production-secret-key-value",
            ALLOWED_HOSTS="wuye.example.cn",
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "no issues" in result.stdout


@pytest.mark.django_db
def test_demo_data_creates_one_user_per_role(demo_credentials_file):
    call_command("load_demo_data", stdout=StringIO())
    call_command("load_demo_data", stdout=StringIO())
    lines = demo_credentials_file.read_text(encoding="utf-8").splitlines()
    assert [line.split("\t")[0] for line in lines] == [
        "档案员",
        "客服人员",
        "物业主管",
        "客服中心经理",
    ]
    for group in Group.objects.filter(name__in=["档案员", "客服人员", "物业主管", "客服中心经理"]):
        assert group.user_set.count() == 1
        assert group.permissions.filter(codename="access_admin").exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_demo_user_logs_in_and_sees_the_chinese_dashboard(page, demo_credentials_file):
    call_command("load_demo_data", stdout=StringIO())
    role, username, password = (
        demo_credentials_file.read_text(encoding="utf-8").splitlines()[1].split("\t")
    )

    page.goto("/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")

    page.wait_for_url("**/admin/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    panel = page.locator("#welcome-heading")
    assert panel.inner_text() == "物业档案与案件库 · 工作台"
    assert role in page.content()
