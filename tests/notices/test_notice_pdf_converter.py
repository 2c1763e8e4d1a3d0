"""The LibreOffice kept running for PDFs: one process for many notices, started again
when it has died, a hanging conversion given up, and one soffice per file where it
cannot be kept running."""

import io
import logging
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from doc_templates.build_templates import bundled_template_path
from doc_templates.filling import prepared_template, render
from doc_templates.pdf import PdfNotProduced, convert_to_pdf, kept_converter


@pytest.fixture(autouse=True)
def own_ports(settings):
    # Each pytest worker keeps its own LibreOffice, so one worker's never answers another's.
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    settings.NOTICE_PDF_KEEP_RUNNING = True
    settings.NOTICE_UNOSERVER_PORT = 2105 + 10 * worker
    settings.NOTICE_UNO_PORT = 2106 + 10 * worker
    settings.NOTICE_PDF_TIMEOUT = 60
    yield
    kept_converter().stop()


def notice(owner):
    template = bundled_template_path("rectification").read_bytes()
    values = {name: f"{name}内容" for name in prepared_template(template).names}
    values["收件人"] = owner
    return render(template, values)


def text_of(pdf):
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_many_notices_go_through_one_libreoffice():
    first = convert_to_pdf(notice("张伟"))
    process = kept_converter().process
    second = convert_to_pdf(notice("李娜"))
    assert "张伟" in text_of(first) and "李娜" in text_of(second)
    assert kept_converter().process is process and process.poll() is None


def test_a_libreoffice_that_died_is_started_again():
    convert_to_pdf(notice("张伟"))
    dead = kept_converter().process
    os.killpg(dead.pid, signal.SIGKILL)
    dead.wait()
    assert "王芳" in text_of(convert_to_pdf(notice("王芳")))
    assert kept_converter().process is not dead


def test_a_conversion_over_the_timeout_is_given_up_and_the_next_one_works(settings):
    converter = kept_converter()
    converter.ensure_running()
    converter.timeout = 0.01
    with pytest.raises(PdfNotProduced, match="未完成"):
        converter.convert(notice("张伟"))
    converter.timeout = settings.NOTICE_PDF_TIMEOUT
    assert "李娜" in text_of(converter.convert(notice("李娜")))


def test_without_lo_python_each_notice_starts_its_own_soffice_and_the_log_says_so(settings, caplog):
    settings.NOTICE_UNO_PYTHON = "/nonexistent/python3"
    with caplog.at_level(logging.WARNING, logger="doc_templates.pdf"):
        pdf = convert_to_pdf(notice("赵敏"))
    assert "赵敏" in text_of(pdf)
    assert "改为每份文书单独启动 soffice" in caplog.text
    assert kept_converter().process is None


def test_a_libreoffice_left_writing_its_profile_does_not_break_the_conversion(settings, tmp_path):
    """LibreOffice's helper processes can outlive the soffice that started them (as when
    the worker running it was killed): still writing its profile, it must neither fail this
    conversion with "directory not empty" nor keep running into the next one."""
    lingering = tmp_path / "soffice"
    lingering.write_text(
        "#!/bin/sh\n"
        'for arg; do case "$arg" in -env:UserInstallation=file://*) profile="${arg#*file://}";; esac; done\n'
        'while [ "$1" != "--outdir" ]; do shift; done\n'
        'mkdir -p "$2" "$profile" && printf "%%PDF-1.4 lingering" > "$2/notice.pdf"\n'
        '( n=0; while true; do n=$((n+1)); mkdir -p "$profile/cache/$n" 2>/dev/null; '
        'touch "$profile/cache/$n/f" 2>/dev/null; done ) &\n'
        "sleep 0.2\n"
    )
    lingering.chmod(0o755)
    settings.NOTICE_PDF_KEEP_RUNNING = False
    settings.NOTICE_SOFFICE = str(lingering)
    for _ in range(3):
        assert convert_to_pdf(b"not used").startswith(b"%PDF-1.4 lingering")


@pytest.fixture
def own_temp_folder(monkeypatch, tmp_path):
    """The system temp folder, as this test and the processes it starts see it."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_a_stopped_converter_leaves_nothing_in_the_temp_folder(own_temp_folder):
    assert "张伟" in text_of(convert_to_pdf(notice("张伟")))
    assert list(own_temp_folder.iterdir()), "the running LibreOffice keeps its profile there"
    kept_converter().stop()
    assert list(own_temp_folder.iterdir()) == []


KILLED_WORKER = """
import os, signal, django
django.setup()
from doc_templates.pdf import kept_converter
converter = kept_converter()
converter.ensure_running()
print(converter.process.pid, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_the_libreoffice_of_a_killed_worker_is_ended_and_its_profile_removed(
    settings, own_temp_folder
):
    """A worker killed outright cannot stop its LibreOffice: the next converter on the
    machine ends it and removes its profile, rather than sharing it for ever."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings",
        "NOTICE_UNOSERVER_PORT": str(settings.NOTICE_UNOSERVER_PORT),
        "NOTICE_UNO_PORT": str(settings.NOTICE_UNO_PORT),
    }
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_WORKER], env=environment, capture_output=True, text=True
    )
    orphan = int(killed.stdout.split()[0])
    assert orphan_alive(orphan) and list(own_temp_folder.iterdir())

    assert "李娜" in text_of(convert_to_pdf(notice("李娜")))
    assert not orphan_alive(orphan)
    assert kept_converter().process is not None, "its own LibreOffice, not the orphan's"
    kept_converter().stop()
    assert list(own_temp_folder.iterdir()) == []


def orphan_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
