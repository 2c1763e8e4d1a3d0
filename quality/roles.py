"""Service-quality permissions per role: staff answer surveys on a household's behalf,
see care lists of their buildings, send care messages and log plan progress;
supervisors (the service head) also run audits, surveys and draft interview plans;
managers publish checklists and questionnaires, acknowledge audits as project manager
and approve interview plans."""

from core.roles import MANAGER, STAFF, SUPERVISOR, grant

VIEW = [
    "quality.view_audit",
    "quality.view_checklist",
    "quality.view_survey",
    "quality.view_questionnaire",
    "quality.view_careplan",
    "quality.view_outboxmessage",
    "quality.view_relationshipplan",
    "quality.view_interviewplan",
    "quality.view_interviewanalysis",
    "quality.view_messagetemplate",
]
STAFF_WORK = [
    "quality.enter_survey_answer",
    "quality.add_outboxmessage",
    "quality.add_careplan",
    "quality.change_careplan",
    "quality.add_actionprogress",
]
HEAD_WORK = [
    "quality.add_audit",
    "quality.change_audit",
    "quality.add_survey",
    "quality.add_interviewplan",
    "quality.change_interviewplan",
    "quality.add_interviewanalysis",
    "quality.view_care_lists",
    "quality.view_staffprofile",
]
MANAGEMENT = [
    "quality.add_checklist",
    "quality.change_checklist",
    "quality.publish_checklist",
    "quality.add_questionnaire",
    "quality.change_questionnaire",
    "quality.acknowledge_audit",
    "quality.approve_interviewplan",
    "quality.add_relationshipplan",
    "quality.change_relationshipplan",
    "quality.add_messagetemplate",
    "quality.change_messagetemplate",
    "quality.add_staffprofile",
    "quality.change_staffprofile",
    "quality.add_householdcareinfo",
    "quality.change_householdcareinfo",
    "quality.view_householdcareinfo",
    "quality.add_birthday",
    "quality.change_birthday",
    "quality.view_birthday",
]


def setup(groups):
    grant(groups[STAFF], *VIEW, *STAFF_WORK)
    grant(groups[SUPERVISOR], *VIEW, *STAFF_WORK, *HEAD_WORK)
    grant(groups[MANAGER], *VIEW, *STAFF_WORK, *HEAD_WORK, *MANAGEMENT)
