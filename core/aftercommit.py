"""Work that runs after a save has committed (search indexing, notifications) may fail on its
own, but it can no longer undo the save: the user must hear that the save went through, not
see an error page that makes them register the same complaint again."""

import logging
from contextlib import contextmanager

from django.db import connection, transaction

logger = logging.getLogger(__name__)


def best_effort(func, what):
    def run():
        try:
            func()
        except Exception:
            logger.exception("提交后的附带工作失败（%s）；已保存的内容不受影响", what)

    return run


@contextmanager
def committed_save(what):
    """A transaction whose after-commit work, whoever registered it (the search signals, the
    major-case notification …), is logged when it fails instead of failing the request."""
    with transaction.atomic():
        first = len(connection.run_on_commit)
        yield
        connection.run_on_commit[first:] = [
            (savepoints, best_effort(func, what), robust)
            for savepoints, func, robust in connection.run_on_commit[first:]
        ]
