"""Fixtures for task tests: a real worker process on the test database, on either backend."""

import pytest
from django.conf import settings as django_settings
from worker_process import Worker, wait_until, worker_environment

BACKENDS = ["database", "rq"]


@pytest.fixture(params=BACKENDS)
def backend(request, settings):
    """The tests run on the database backend and on Redis through RQ."""
    settings.TASKS_BACKEND = request.param
    settings.TASKS = {"default": django_settings.TASK_BACKENDS[request.param]}
    if request.param == "rq":
        import django_rq

        queues = [django_rq.get_queue(name) for name in django_settings.RQ_QUEUES]
        try:
            queues[0].connection.ping()
        except Exception as error:  # a missing Redis fails the test, it is never skipped
            pytest.fail(f"Redis is not reachable at {django_settings.REDIS_URL}: {error}")
        for each in queues:
            each.empty()
    return request.param


@pytest.fixture
def worker_env(backend, settings):
    return worker_environment(settings, backend)


@pytest.fixture
def workers(worker_env, tmp_path):
    started = []

    def start():
        worker = Worker(worker_env, tmp_path / "worker.log").start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.kill()


@pytest.fixture
def wait_for(tmp_path):
    """``wait_until`` that, when the worker never gets there, says what the worker printed."""

    def wait(condition, timeout, interval=0.5):
        try:
            return wait_until(condition, timeout, interval)
        except AssertionError as error:
            log = tmp_path / "worker.log"
            printed = log.read_text(errors="replace")[-4000:] if log.exists() else "(no log)"
            raise AssertionError(f"{error}; the worker printed:\n{printed}") from None

    return wait


SIGNING_PASSPHRASE = "task-test-passphrase"


@pytest.fixture
def signed_pdfs(settings, tmp_path):
    """Notices get signed PDFs with a certificate of the test's own; its path is returned."""
    from doc_templates.pdf import write_self_signed_certificate

    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    settings.NOTICE_PDF_ENABLED = True
    settings.NOTICE_SIGNING_P12 = str(tmp_path / "signing.p12")
    settings.NOTICE_SIGNING_PASSPHRASE = SIGNING_PASSPHRASE
    settings.DOC_TEMPLATES_CENTRE_NAME = "翠湖花园物业服务中心"
    write_self_signed_certificate(settings.NOTICE_SIGNING_P12, SIGNING_PASSPHRASE, "翠湖文书签章")
    return settings.NOTICE_SIGNING_P12
