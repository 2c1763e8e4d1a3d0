"""Every change to reply scripts goes through these functions (admin, import, demo, tests)."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.models import GroupApprovalTask, Workflow, WorkflowContentType, WorkflowTask

from cms.replies.models import ReplyScript, ReplyTopic

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
