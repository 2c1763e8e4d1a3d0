"""The familiarity quiz: generated from approved scripts, graded, results per staff member."""

import pytest
from django.core.exceptions import ValidationError

from cms.replies.actions import publish_script, start_quiz, submit_quiz, topic_from_path
from cms.replies.models import QuizAttempt, ReplyScript


@pytest.fixture
def approved(db, role_groups, manager):
    topic = topic_from_path("物业收费/物业费催缴")
    return [
        publish_script(
            ReplyScript(question=f"测验问题{n}", answer=f"<p>标准答复{n}</p>", topic=topic),
            manager,
        )
        for n in range(6)
    ]


def test_a_quiz_asks_approved_scripts_with_their_answer_among_the_options(approved, staff_user):
    attempt = start_quiz(staff_user, size=5)
    questions = list(attempt.questions.all())
    assert len(questions) == attempt.total == 5
    for question in questions:
        assert len(question.options) == 4 == len(set(question.options))
        assert question.script_id in question.options


def test_grading_counts_correct_answers_once(approved, staff_user):
    attempt = start_quiz(staff_user, size=3)
    first, second, third = attempt.questions.all()
    wrong = next(pk for pk in second.options if pk != second.script_id)
    submit_quiz(attempt, {first.pk: first.script_id, second.pk: wrong, third.pk: None})
    attempt.refresh_from_db()
    assert (attempt.score, attempt.total) == (1, 3)
    with pytest.raises(ValidationError):
        submit_quiz(attempt, {})


def test_staff_take_the_quiz_and_the_manager_sees_results_per_person(
    approved, staff_user, manager, client
):
    client.force_login(staff_user)
    started = client.post("/admin/replies/quiz/")
    attempt = QuizAttempt.objects.get(user=staff_user)
    assert started.status_code == 302 and started.url == f"/admin/replies/quiz/{attempt.pk}/"
    page = client.get(started.url)
    assert page.status_code == 200 and "交卷" in page.content.decode()
    answers = {f"q{q.pk}": q.script_id for q in attempt.questions.all()}
    graded = client.post("/admin/replies/quiz/", {"attempt": attempt.pk, **answers})
    assert f"本次答对 {attempt.total} / {attempt.total} 题" in graded.content.decode()
    refused = client.get("/admin/replies/quiz/results/")
    assert refused.status_code == 302 and refused.url == "/admin/"

    client.force_login(manager)
    results = client.get("/admin/replies/quiz/results/").content.decode()
    assert "kefu_t" in results and "100%" in results


def test_opening_the_quiz_page_or_reloading_a_quiz_draws_no_new_quiz(
    approved, staff_user, client
):
    client.force_login(staff_user)
    intro = client.get("/admin/replies/quiz/")
    assert intro.status_code == 200 and "开始测验" in intro.content.decode()
    assert not QuizAttempt.objects.exists()

    client.post("/admin/replies/quiz/")
    attempt = QuizAttempt.objects.get(user=staff_user)
    for _reload in range(2):
        assert client.get(f"/admin/replies/quiz/{attempt.pk}/").status_code == 200
    assert QuizAttempt.objects.count() == 1


def test_nobody_opens_another_persons_quiz(approved, staff_user, manager, client):
    attempt = start_quiz(manager, size=3)
    client.force_login(staff_user)
    assert client.get(f"/admin/replies/quiz/{attempt.pk}/").status_code == 404


def test_quiz_results_name_each_person_as_every_other_screen_does(
    approved, role_groups, staff_user, manager, client
):
    from django.contrib.auth import get_user_model

    named = get_user_model().objects.create_user(
        "wanglx", last_name="王", first_name="立新", is_staff=True
    )
    for person in (named, staff_user):
        attempt = start_quiz(person, size=3)
        submit_quiz(attempt, {q.pk: q.script_id for q in attempt.questions.all()})
    client.force_login(manager)
    results = client.get("/admin/replies/quiz/results/").content.decode()
    assert "<td>王立新</td>" in results
    assert "<td>kefu_t</td>" in results and "（kefu_t）" not in results
