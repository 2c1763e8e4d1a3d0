"""Supervisors and managers follow every background job in the admin."""

from core.roles import MANAGER, SUPERVISOR, grant


def setup(groups):
    grant(groups[SUPERVISOR], "jobs.view_backgroundjob")
    grant(groups[MANAGER], "jobs.view_backgroundjob")
