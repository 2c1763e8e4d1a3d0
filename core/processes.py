"""Whether a process of this machine is still there: a worker that died leaves its jobs and
its LibreOffice behind, and whoever finds them takes them over."""

import os


def process_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        # Someone else's process, but alive.
        return True
    return True
