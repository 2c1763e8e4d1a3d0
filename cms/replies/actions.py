"""Every change to reply scripts goes through these functions (admin, import, demo, tests)."""

import random

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from wagtail.models import GroupApprovalTask, Workflow, WorkflowContentType, WorkflowTask

from cms.replies.models import QuizAttempt, QuizQuestion, ReplyScript, ReplyTopic
from search.indexing import deferred_sync

WORKFLOW_NAME = "部门负责人审批"


def ensure_approval_workflow(manager_group):
    """The workflow every reply script passes: one task, approved by the department head."""
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    task = GroupApprovalTask.objects.filter(name=WORKFLOW_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=WORKFLOW_NAME)
    task.groups.add(manager_group)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowContentType.objects.update_or_create(
        content_type=ContentType.objects.get_for_model(ReplyScript),
        defaults={"workflow": workflow},
    )
    return workflow


def topic_from_path(path):
    """The topic for "物业收费 / 停车收费" (or "物业收费/停车收费"), created along the way."""
    parent = None
    for name in [part.strip() for part in path.replace("／", "/").split("/") if part.strip()]:
        parent, _ = ReplyTopic.objects.get_or_create(name=name, parent=parent)
    return parent


def save_draft(script, by):
    """Keep a new version as a draft; staff keep seeing the approved version."""
    with transaction.atomic():
        if script.pk is None:
            script.live = False
            script.save()
        return script.save_revision(user=by)


def publish_script(script, by):
    """Approve and publish at once (managers, import and demo data)."""
    with transaction.atomic():
        revision = save_draft(script, by)
        revision.publish(user=by)
    return ReplyScript.objects.get(pk=script.pk)


def submit_for_approval(script, by):
    """Send the latest draft to the department head (workflow 部门负责人审批)."""
    workflow = script.get_workflow()
    return workflow.start(script, by)


def approve(script, by, comment=""):
    """The department head approves the task in progress, which publishes the draft."""
    state = script.current_workflow_task_state
    state.task.specific.on_action(state, by, "approve", comment=comment)
    return ReplyScript.objects.get(pk=script.pk)


def has_draft(script):
    """Whether the script has a saved version newer than the approved one."""
    return script.live is False or script.has_unpublished_changes


def approve_drafts(scripts, by):
    """The department head approves many drafts at once; each approval publishes the latest
    revision in the revision history (through the workflow task when one is in progress).

    Returns how many were approved."""
    approved = 0
    with deferred_sync():
        for script in scripts:
            if not has_draft(script) or script.latest_revision is None:
                continue
            with transaction.atomic():
                if script.current_workflow_task_state is not None:
                    approve(script, by, comment="批量审批")
                else:
                    script.latest_revision.publish(user=by)
            approved += 1
    return approved


def start_quiz(user, size=5, options=4):
    """A quiz drawn from approved scripts: for each question, pick its answer among ``options``."""
    pool = list(ReplyScript.objects.approved().values_list("pk", flat=True))
    if len(pool) < options:
        raise ValidationError("已审批的口径不足，无法生成测验")
    rng = random.SystemRandom()
    with transaction.atomic():
        attempt = QuizAttempt.objects.create(user=user, total=min(size, len(pool)))
        for script_id in rng.sample(pool, attempt.total):
            choices = [script_id, *rng.sample([pk for pk in pool if pk != script_id], options - 1)]
            rng.shuffle(choices)
            QuizQuestion.objects.create(attempt=attempt, script_id=script_id, options=choices)
    return attempt


def submit_quiz(attempt, chosen):
    """Grade the answers (question id → chosen script id); a quiz is graded once."""
    if attempt.finished_at is not None:
        raise ValidationError("该测验已经交卷")
    with transaction.atomic():
        for question in attempt.questions.all():
            choice = chosen.get(question.pk)
            question.chosen_id = choice if choice in question.options else None
            question.correct = question.chosen_id == question.script_id
            question.save(update_fields=["chosen", "correct"])
        attempt.score = attempt.questions.filter(correct=True).count()
        attempt.finished_at = timezone.now()
        attempt.save(update_fields=["score", "finished_at"])
    return attempt
