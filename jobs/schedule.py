"""Scheduled jobs. Each area adds its own with ``every_day`` / ``every_month`` in its
``background.py``; ``manage.py run_scheduler`` starts what is due, once per time slot
however many schedulers run (``ScheduledRun`` is unique per name and slot)."""

from dataclasses import dataclass, field
from datetime import time

from django.db import IntegrityError, transaction
from django.utils import timezone

from jobs.models import ScheduledRun
from jobs.runner import start_job


@dataclass(frozen=True)
class ScheduledJob:
    name: str
    job: str
    at: time
    day_of_month: int | None = None  # None: every day
    arguments: object = field(default=lambda now: {})

    def slot(self, now):
        """The slot ``now`` falls in if the job is due by then, else None."""
        local = timezone.localtime(now)
        if self.day_of_month is not None and local.day < self.day_of_month:
            return None
        if local.time() < self.at and (self.day_of_month is None or local.day == self.day_of_month):
            return None
        return f"{local:%Y-%m}" if self.day_of_month is not None else f"{local:%Y-%m-%d}"


SCHEDULE = {}


def every_day(name, job, at, arguments=None):
    SCHEDULE[name] = ScheduledJob(name, job, at, arguments=arguments or (lambda now: {}))


def every_month(name, job, day, at, arguments=None):
    SCHEDULE[name] = ScheduledJob(name, job, at, day, arguments=arguments or (lambda now: {}))


def start_due_jobs(now=None):
    """Start every scheduled job due in its current slot and not yet started there."""
    now = now or timezone.now()
    started = []
    for entry in SCHEDULE.values():
        slot = entry.slot(now)
        if slot is None:
            continue
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(name=entry.name, slot=slot)
                run.job = start_job(entry.job, **entry.arguments(now))
                run.save(update_fields=["job"])
        except IntegrityError:
            continue
        started.append(run)
    return started
