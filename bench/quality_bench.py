"""Benchmark of service quality at estate scale (run by hand, not a test):

    .venv/bin/python bench/quality_bench.py [--households 5000] [--runs 5] [--reuse-database]

On a database of its own (var/bench-quality.sqlite3, or DATABASE_URL when set) it imports
an estate of N households with their owners (mainland ID numbers, so owners' birthdays),
adds a year of service-quality work — 12 monthly audits of 20 findings each on the demo
checklist, a whole-estate survey answered by 70% of the households, 12 monthly interview
plans with interviews in the contact log, family birthdays, warranties and happy events —
and then requests, as a manager through the admin, the audit page, its .docx, the audit
report (trend, deductions, open rectifications), the survey results page and the care
lists for a week, a month and the year end. Median of --runs requests each.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def setup_django(database):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{database}")
    os.environ["ELASTICSEARCH_INDEX_PREFIX"] = f"bench-quality-{uuid.uuid4().hex[:6]}"
    import django

    django.setup()


def step(label):
    print(f"… {label}", flush=True)
    return time.perf_counter()


def import_estate(households, buildings):
    from archives_bench import build_tree, stop_search_sync, write_import_file
    from django.contrib.auth import get_user_model

    from cms.archives.importer import Importer
    from core.roles import ARCHIVIST, sync_roles

    stop_search_sync()
    estate = build_tree(buildings)
    archivist = get_user_model().objects.create_user("bench-archivist", is_staff=True)
    archivist.groups.add(sync_roles()[ARCHIVIST])
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "households.xlsx"
        write_import_file(source, households, buildings)
        result = Importer(by=archivist).run(source)
    assert result.created == households, result
    return estate


def users():
    from django.contrib.auth import get_user_model

    from core.roles import MANAGER, STAFF, SUPERVISOR, sync_roles
    from quality.models import StaffProfile

    groups = sync_roles()
    User = get_user_model()
    made = {}
    places = ["广东梅州", "湖南衡阳", "江西赣州", "广西桂林", "广东潮州", "湖南长沙"]
    for n, (name, role) in enumerate(
        [("bench-manager", MANAGER), ("bench-head", SUPERVISOR)]
        + [(f"bench-staff{i}", STAFF) for i in range(6)]
    ):
        user = User.objects.create_user(name, is_staff=True, last_name="测", first_name=str(n))
        user.groups.add(groups[role])
        StaffProfile.objects.create(user=user, native_place=places[n % len(places)],
                                    is_centre_head=role == MANAGER)
        made[name] = User.objects.get(pk=user.pk)
    return made


def fill_care_data(estate, staff, rng):
    from cms.archives.models import ContactLog, HouseholdArchive
    from quality.models import Birthday, HouseholdCareInfo

    ids = list(HouseholdArchive.objects.descendant_of(estate).values_list("pk", flat=True))
    today = date.today()
    born = [(pk, date(2010, 1, 1) + timedelta(days=rng.randrange(3650))) for pk in ids[::5]]
    Birthday.objects.bulk_create(
        Birthday(household_id=pk, name=f"家属{pk}", relation="子女", birthday=day,
                 month=day.month, day=day.day)
        for pk, day in born
    )
    HouseholdCareInfo.objects.bulk_create(
        HouseholdCareInfo(household_id=pk, warranty_ends_on=today + timedelta(days=rng.randrange(730)))
        for pk in ids
    )
    events = ["业主告知下月结婚", "家中添丁，宝宝出生", "乔迁新居请管家帮忙", "报修厨房龙头", "咨询停车月卡"]
    ContactLog.objects.bulk_create(
        ContactLog(household_id=pk, staff=staff, channel="phone", summary=rng.choice(events),
                   contacted_on=today - timedelta(days=rng.randrange(365)))
        for pk in ids
    )
    return ids


def fill_audits(estate, manager, head, rng):
    from quality import actions
    from quality.demo import load_checklist

    checklist = actions.publish_checklist(load_checklist(), manager)
    items = list(checklist.items.all())
    today = date.today()
    audits = []
    for month in range(12):
        audit = actions.start_audit(estate, checklist, [head], head,
                                    audit_date=today - timedelta(days=30 * (12 - month)),
                                    project_manager=manager)
        for n in range(20):
            item = rng.choice(items)
            persons = "员工甲、员工乙" if item.rule == "per_person" else ""
            finding = actions.record_finding(audit, item, head, f"第{n + 1}个问题", location="现场",
                                             persons=persons, count=rng.randint(1, 3))
            if n % 4 == 0:
                actions.open_rectification(finding, head)
        actions.sign_audit(audit, head)
        audits.append(audit)
    return audits


def fill_survey(estate, manager, head, rng):
    """A whole-estate survey; answers bulk-created (the results page is what is measured)."""
    from quality import actions
    from quality.demo import load_questionnaire
    from quality.models import SurveyAnswer, SurveyResponse

    questionnaire = actions.publish_questionnaire(load_questionnaire(), manager)
    today = date.today()
    survey = actions.create_survey(head, title="年度满意度调查", questionnaire=questionnaire,
                                   estate=estate, opens_on=today - timedelta(days=20),
                                   closes_on=today + timedelta(days=10), sampling="all")
    questions = list(questionnaire.questions.all())
    invitations = [i for i in survey.invitations.all() if rng.random() < 0.7]
    responses = SurveyResponse.objects.bulk_create(
        SurveyResponse(invitation=i, channel="link", score=Decimal(rng.randint(2, 5)))
        for i in invitations
    )
    labels = {q.pk: [label for label, _ in q.parsed_options()] for q in questions}
    answers = []
    for response in responses:
        for q in questions:
            if q.kind == "score":
                answers.append(SurveyAnswer(response=response, question=q,
                                            score=Decimal(rng.randint(1, 5))))
            elif q.kind == "text":
                answers.append(SurveyAnswer(response=response, question=q, text="希望地库更亮"))
            else:
                picked = [rng.choice(labels[q.pk])]
                answers.append(SurveyAnswer(response=response, question=q, choices=picked))
    SurveyAnswer.objects.bulk_create(answers, batch_size=2000)
    return survey


def fill_interviews(estate, manager, head, staff, rng):
    from cms.archives.models import ContactLog
    from quality import actions

    year = date.today().year
    for month in range(1, 13):
        plan = actions.draft_interview_plan(head, estate=estate, kind="monthly", year=year,
                                            month=month, scope="各楼栋", content="服务意见",
                                            proportion=10)
        actions.submit_interview_plan(plan, head)
        actions.approve_interview_plan(plan, manager)
        ContactLog.objects.bulk_create(
            ContactLog(household_id=a.household_id, staff=staff, channel="visit",
                       summary="顾客访谈", is_interview=True, need="无",
                       contacted_on=date(year, month, rng.randint(1, 28)))
            for a in plan.assignments.all() if rng.random() < 0.8
        )
    return plan


def fill(args):
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    rng = random.Random(7)
    started = step(f"importing {args.households} households")
    estate = import_estate(args.households, args.buildings)
    people = users()
    manager, head, staff = people["bench-manager"], people["bench-head"], people["bench-staff0"]
    fill_care_data(estate, staff, rng)
    step("a year of audits")
    fill_audits(estate, manager, head, rng)
    step("survey answers")
    fill_survey(estate, manager, head, rng)
    step("interview plans")
    fill_interviews(estate, manager, head, staff, rng)
    print(f"data ready in {time.perf_counter() - started:.0f} s", flush=True)


def measure(client, label, url, runs):
    from django.db import connection

    # Counted by an execute wrapper: Django empties connection.queries at each request start.
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url)  # warm caches (templates, calendar)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    median = statistics.median(times)
    print(f"{label:<44} {median:8.1f} ms  (min {min(times):.1f}, max {max(times):.1f}), "
          f"{len(queries)} queries", flush=True)
    return label, median


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=5000)
    parser.add_argument("--buildings", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database", default=str(ROOT / "var" / "bench-quality.sqlite3"))
    parser.add_argument("--reuse-database", action="store_true")
    parser.add_argument("--fill-only", action="store_true",
                        help="build the database and stop (measure later with --reuse-database)")
    args = parser.parse_args()
    database = Path(args.database)
    if not args.reuse_database and "DATABASE_URL" not in os.environ:
        database.unlink(missing_ok=True)
    setup_django(database)
    from django.contrib.auth import get_user_model
    from django.test import Client

    from cms.archives.models import Estate, HouseholdArchive
    from quality.models import Audit, Survey

    if not args.reuse_database:
        fill(args)
    if args.fill_only:
        return
    estate = Estate.objects.get(title="万景花园")
    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-manager"))
    audit = Audit.objects.order_by("-audit_date").first()
    survey = Survey.objects.get()
    year = date.today().year
    print(f"{HouseholdArchive.objects.count()} households, {Audit.objects.count()} audits, "
          f"{survey.invitations.filter(response__isnull=False).count()} survey answers")
    pages = [
        ("reference: smallest admin list (短信模板)", "/admin/quality/message-templates/"),
        ("audit page (20 findings, scores, trend)", f"/admin/quality/audits/{audit.pk}/"),
        ("audit report .docx", f"/admin/quality/audits/{audit.pk}/report.docx"),
        ("audit report page (12 months, estate)", f"/admin/quality/reports/audits/?estate={estate.pk}"),
        ("audit report Excel with charts", f"/admin/quality/reports/audits/?estate={estate.pk}&format=xlsx"),
        ("survey results page", f"/admin/quality/surveys/{survey.pk}/"),
        ("survey results Excel with charts", f"/admin/quality/surveys/{survey.pk}/?format=xlsx"),
        ("care lists, one week", "/admin/quality/care/"),
        ("care lists, one month", f"/admin/quality/care/?start={year}-03-01&end={year}-03-31"),
        ("care lists, year end (28 Dec – 3 Jan)",
         f"/admin/quality/care/?start={year}-12-28&end={year + 1}-01-03"),
    ]
    for label, url in pages:
        measure(client, label, url, args.runs)


if __name__ == "__main__":
    main()
