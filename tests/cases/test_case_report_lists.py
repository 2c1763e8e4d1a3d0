"""The case reports as a manager reads them: the stock-take's lists say how many cases
they hold and page through all of them; the downloads keep their Chinese names."""

import datetime as dt
from urllib.parse import quote

import pytest
from django.db import connection
from django.utils import timezone

from cases.models import Case

pytestmark = pytest.mark.django_db


def overdue_cases(topic, count):
    """``count`` open complaints whose response fell due a day ago, oldest clock first."""
    received = timezone.now() - dt.timedelta(days=3)
    Case.objects.bulk_create(
        Case(
            number=f"投诉-2026-{9000 + i:06d}",
            kind=Case.Kind.COMPLAINT,
            channel=Case.Channel.PHONE,
            received_at=received,
            topic=topic,
            description="楼道灯不亮",
            response_due_at=received + dt.timedelta(days=2, minutes=i),
            resolve_due_at=received + dt.timedelta(days=2, minutes=i),
        )
        for i in range(count)
    )
    return list(Case.objects.order_by("response_due_at").values_list("number", flat=True))


def test_the_stocktake_counts_every_overdue_case_and_pages_to_the_101st(
    client, manager, topic
):
    numbers = overdue_cases(topic, 101)
    client.force_login(manager)

    daily = client.get("/admin/case-reports/").content.decode()
    assert '<strong id="overdue-total">101</strong>' in daily
    overdue_section = daily.split("<h3>已超时</h3>")[1]
    assert "共 101 件，此处只列出前 20 件" in overdue_section
    assert 'href="/admin/case-reports/overdue/"' in overdue_section
    assert numbers[20] not in overdue_section

    first = client.get("/admin/case-reports/overdue/").content.decode()
    assert numbers[0] in first and numbers[100] not in first
    last = client.get("/admin/case-reports/overdue/?p=3").content.decode()
    assert numbers[100] in last and numbers[0] not in last


def test_staff_page_only_through_the_overdue_cases_they_may_see(client, staff, topic):
    numbers = overdue_cases(topic, 3)
    client.force_login(staff)
    listed = client.get("/admin/case-reports/overdue/").content.decode()
    assert not any(number in listed for number in numbers)


@pytest.mark.parametrize(
    ("screen", "filename"),
    [("monthly", "月度案件分析-2026-10.xlsx"), ("public", "月度公示-2026-10.xlsx")],
)
def test_the_monthly_downloads_are_saved_under_their_chinese_names(
    client, manager, screen, filename
):
    client.force_login(manager)
    response = client.get(f"/admin/case-reports/{screen}/?month=2026-10&format=xlsx")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename=\"")
    assert disposition.endswith(f"filename*=UTF-8''{quote(filename)}")
    assert disposition.isascii()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the estimate is PostgreSQL's")
def test_the_whole_list_of_a_million_cases_says_about_and_a_filtered_one_is_exact(
    client, manager, new_case
):
    new_case()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE pg_class SET reltuples = 1000000 WHERE relname = 'cases_case'")
    client.force_login(manager)
    whole = client.get("/admin/cases/").content.decode()
    assert "约 1,000,000 案件" in whole
    filtered = client.get("/admin/cases/?kind=complaint").content.decode()
    assert "约 " not in filtered and "1 案件" in filtered
