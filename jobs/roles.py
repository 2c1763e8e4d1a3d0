"""Supervisors and managers follow every background job in the admin; archivists too, since
the sheets they import are filed by one (its result stays theirs alone: a private job)."""

from core.roles import ARCHIVIST, MANAGER, SUPERVISOR, grant


def setup(groups):
    grant(groups[SUPERVISOR], "jobs.view_backgroundjob")
    grant(groups[MANAGER], "jobs.view_backgroundjob")
    grant(groups[ARCHIVIST], "jobs.view_backgroundjob")
