"""Case permissions per role: staff register and handle, supervisors handle general
cases, managers everything including penalties, major cases and disposition."""

from core.roles import MANAGER, STAFF, SUPERVISOR, grant

BASIC = ["cases.view_case", "cases.add_case", "cases.change_case", "cases.view_casetopic"]
SUPERVISION = [
    "cases.view_all_cases",
    "cases.sign_decision",
    "cases.view_tombstone",
    "cases.view_majorcaseentry",
]
MANAGEMENT = [
    "cases.handle_major_case",
    "cases.impose_penalty",
    "cases.dispose_case",
    "cases.add_casetopic",
    "cases.change_casetopic",
    "cases.view_calendarday",
    "cases.add_calendarday",
    "cases.change_calendarday",
    "cases.delete_calendarday",
]


def setup(groups):
    grant(groups[STAFF], *BASIC)
    grant(groups[SUPERVISOR], *BASIC, *SUPERVISION)
    grant(groups[MANAGER], *BASIC, *SUPERVISION, *MANAGEMENT)
