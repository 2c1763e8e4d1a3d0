"""The kinds of background job. Each area declares its own with ``@background_job`` in an
``<app>/background.py`` module, found at start-up (see ``JobsConfig.ready``)."""

from dataclasses import dataclass
from importlib import import_module
from importlib.util import find_spec

from django.conf import settings


@dataclass(frozen=True)
class JobKind:
    name: str
    label: str
    function: object
    # Someone is waiting on a screen for it: it goes before the queue's bulk work
    # (search indexing of a large import, a long batch).
    urgent: bool = False
    # Its result file was made for the one who started it (with that person's rights):
    # nobody else downloads it, whatever they may see of the job list.
    private: bool = False


JOB_KINDS = {}


def background_job(name, label, urgent=False, private=False):
    """Register ``function(progress, **arguments)`` as the job ``name``; it returns a
    summary in Chinese, shown as the job's result."""

    def register(function):
        JOB_KINDS[name] = JobKind(name, label, function, urgent, private)
        return function

    return register


def discover_job_kinds():
    for app in settings.LOCAL_APPS:
        module_name = f"{app}.background"
        if find_spec(module_name) is not None:
            import_module(module_name)
