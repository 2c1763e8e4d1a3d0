"""Staff pages of reply scripts: downloads (Excel, Word handbook) and the familiarity quiz."""

import io

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from cms.replies.actions import start_quiz, submit_quiz
from cms.replies.exports import handbook_document, scripts_workbook
from cms.replies.models import QuizAttempt, ReplyScript
from core.downloads import DOCX, XLSX, download_response
from core.people import display_name


def _approved():
    return list(ReplyScript.objects.approved().select_related("topic__parent"))


# Every admin user (all roles) may download the approved scripts; the admin URL
# wrapper already requires admin access.
def export_workbook(request):
    """The approved scripts as Excel: a download, not a screen."""
    buffer = io.BytesIO()
    scripts_workbook(_approved()).save(buffer)
    return download_response(buffer.getvalue(), "回复口径.xlsx", XLSX)


def export_handbook(request):
    """The approved scripts as a Word handbook: a download, not a screen."""
    buffer = io.BytesIO()
    handbook_document(_approved()).save(buffer)
    return download_response(buffer.getvalue(), "回复口径手册.docx", DOCX)


@require_http_methods(["GET", "POST"])
def take_quiz(request):
    """GET shows what the quiz is; POST draws a new quiz from approved scripts and leads to
    it, or grades the quiz whose answers it carries."""
    if request.method == "GET":
        return render(request, "replies/quiz.html", {"attempt": None})
    if "attempt" in request.POST:
        return _grade(request)
    try:
        attempt = start_quiz(request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("wagtailadmin_home")
    return redirect("replies_quiz_attempt", attempt.pk)


def quiz_attempt(request, pk):
    """One of the signed-in user's quizzes: its questions, or its answers once graded."""
    attempt = get_object_or_404(QuizAttempt, pk=pk, user=request.user)
    graded = attempt.finished_at is not None
    return render(request, "replies/quiz.html", _quiz_context(attempt, graded=graded))


def _grade(request):
    attempt = get_object_or_404(QuizAttempt, pk=request.POST.get("attempt"), user=request.user)
    chosen = {}
    for question in attempt.questions.all():
        value = request.POST.get(f"q{question.pk}", "")
        chosen[question.pk] = int(value) if value.isdigit() else None
    try:
        submit_quiz(attempt, chosen)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return render(request, "replies/quiz.html", _quiz_context(attempt, graded=True))


def _quiz_context(attempt, graded):
    questions = list(attempt.questions.select_related("script", "chosen"))
    scripts = ReplyScript.objects.in_bulk({pk for q in questions for pk in q.options})
    return {
        "attempt": attempt,
        "graded": graded,
        "questions": [
            {"question": q, "options": [scripts[pk] for pk in q.options if pk in scripts]}
            for q in questions
        ],
    }


@permission_required("replies.view_quizattempt", raise_exception=True)
def quiz_results(request):
    """Results per staff member, for the department head."""
    rows = list(
        QuizAttempt.objects.filter(finished_at__isnull=False)
        .values("user")
        .annotate(
            attempts=Count("pk"), correct=Sum("score"), asked=Sum("total"), last=Max("finished_at")
        )
        .order_by("user__username")
    )
    people = get_user_model().objects.in_bulk([row["user"] for row in rows])
    for row in rows:
        row["name"] = display_name(people[row["user"]])
        row["rate"] = round(100 * row["correct"] / row["asked"]) if row["asked"] else 0
    return render(request, "replies/quiz_results.html", {"rows": rows})
