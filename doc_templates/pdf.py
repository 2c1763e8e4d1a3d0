"""PDF copies of issued notices: LibreOffice headless conversion, PAdES signature
(pyhanko) with the configured certificate, and checking an uploaded PDF's signature.

Conversion and signing raise ``PdfNotProduced`` with a Chinese reason; issuing a
notice never fails because of them.
"""

import asyncio
import atexit
import contextlib
import http.client
import importlib.util
import io
import logging
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import xmlrpc.client
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

from core.processes import process_alive


class PdfNotProduced(Exception):
    """The PDF could not be made or signed; the message tells the user why, in Chinese."""


# Conversion -------------------------------------------------------------------
#
# Starting LibreOffice takes one to three seconds, converting a notice a few hundred
# milliseconds. So each process keeps one LibreOffice running behind unoserver (its
# XML-RPC front, run by the Python that has LibreOffice's ``uno`` module) and sends
# every notice to it; when it has died it is started again, and a conversion that
# hangs is given up after NOTICE_PDF_TIMEOUT seconds and LibreOffice restarted. Where
# it cannot be started at all (no ``uno`` module, NOTICE_PDF_KEEP_RUNNING off), each
# notice starts a soffice of its own, as before, and the log says so once.

logger = logging.getLogger(__name__)


def convert_to_pdf(docx_bytes):
    """The PDF LibreOffice makes from ``docx_bytes``."""
    soffice = settings.NOTICE_SOFFICE
    if shutil.which(soffice) is None:
        # Without LibreOffice on this host no notice is converted here, even if another
        # process's converter happens to answer on the port.
        raise PdfNotProduced(f"未找到 LibreOffice（{soffice}），未生成PDF；Word 文书已正常签发。")
    if settings.NOTICE_PDF_KEEP_RUNNING:
        try:
            return kept_converter().convert(docx_bytes)
        except ConverterUnavailable as reason:
            _warn_once(reason)
    return convert_with_own_soffice(docx_bytes)


def convert_with_own_soffice(docx_bytes):
    """One soffice for this file. Each conversion gets its own user profile folder:
    two soffice processes sharing one profile block each other. A folder that cannot be
    removed entirely (a process still holding it) is left to the system's temp cleaning
    rather than failing a PDF that was made."""
    soffice = settings.NOTICE_SOFFICE
    with tempfile.TemporaryDirectory(prefix="notice-pdf-", ignore_cleanup_errors=True) as folder:
        work = Path(folder)
        source = work / "notice.docx"
        source.write_bytes(docx_bytes)
        command = [
            soffice,
            "--headless",
            "--norestore",
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work / "out"),
            str(source),
        ]
        _run_bounded(command, work, soffice)
        result = work / "out" / "notice.pdf"
        if not result.exists():
            raise PdfNotProduced("LibreOffice 未能把文书转换为PDF，未生成PDF。")
        return result.read_bytes()


def _run_bounded(command, cwd, soffice):
    timeout = settings.NOTICE_PDF_TIMEOUT
    try:
        # A session of its own: soffice starts soffice.bin as a child, and a timeout
        # must end both.
        process = subprocess.Popen(
            command,
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as error:
        raise PdfNotProduced(
            f"未找到 LibreOffice（{soffice}），未生成PDF；Word 文书已正常签发。"
        ) from error
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired as error:
        _end_group(process)
        raise PdfNotProduced(f"LibreOffice 转换超过 {timeout} 秒未完成，未生成PDF。") from error
    # LibreOffice's helpers can outlive soffice, still writing the profile folder that is
    # about to be removed: they end with it.
    _end_group(process)


def _end_group(process):
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


class ConverterUnavailable(Exception):
    """The kept-running LibreOffice cannot be started here; convert file by file."""


_warned = set()


def _warn_once(reason):
    if str(reason) not in _warned:
        _warned.add(str(reason))
        logger.warning(
            "常驻 LibreOffice 转换服务不可用（%s），改为每份文书单独启动 soffice。", reason
        )


class _TimeoutTransport(xmlrpc.client.Transport):
    def __init__(self, timeout):
        super().__init__()
        self.timeout = timeout

    def make_connection(self, host):
        connection = super().make_connection(host)
        connection.timeout = self.timeout
        return connection


class KeptConverter:
    """One LibreOffice kept running behind unoserver on ``port`` (XML-RPC) and
    ``uno_port`` (LibreOffice's own socket), started on first use and again whenever
    it has died. A server already answering on the port (started by another worker
    of the same site) is used as it is."""

    START_TIMEOUT = 60

    def __init__(self, port, uno_port, python, soffice, timeout):
        self.configuration = (port, uno_port, python, soffice, timeout)
        self.port, self.uno_port = int(port), int(uno_port)
        self.python, self.soffice, self.timeout = python, soffice, timeout
        self.process = None
        self.profile = None
        self.lock = threading.Lock()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def _proxy(self, timeout):
        return xmlrpc.client.ServerProxy(
            self.url, allow_none=True, transport=_TimeoutTransport(timeout)
        )

    def answers(self):
        try:
            self._proxy(5).info()
        except (OSError, xmlrpc.client.Error):
            return False
        return True

    def convert(self, docx_bytes):
        with self.lock:
            self.ensure_running()
            try:
                return self._convert(docx_bytes)
            except (ConnectionError, http.client.HTTPException):
                # LibreOffice died between notices: start it again and try once more.
                self.stop()
                self.ensure_running()
                return self._convert(docx_bytes)

    def _convert(self, docx_bytes):
        try:
            result = self._proxy(self.timeout).convert(
                None, xmlrpc.client.Binary(docx_bytes), None, "pdf", None, [], False, None, None
            )
        except TimeoutError as error:
            self.stop()
            raise PdfNotProduced(
                f"LibreOffice 转换超过 {self.timeout} 秒未完成，未生成PDF。"
            ) from error
        except xmlrpc.client.Fault as error:
            raise PdfNotProduced("LibreOffice 未能把文书转换为PDF，未生成PDF。") from error
        return result.data

    def ensure_running(self):
        # Our own server still running is taken at its word: asking it first would cost a
        # round trip per notice, and a conversion that finds it gone starts it again.
        if self.process is not None and self.process.poll() is None:
            return
        if self.process is None:
            end_orphaned_converters()
            if self.answers():
                return
        self.stop()
        self.start()

    def start(self):
        unoserver = importlib.util.find_spec("unoserver")
        if unoserver is None:
            raise ConverterUnavailable("未安装 unoserver")
        if not shutil.which(self.python):
            raise ConverterUnavailable(f"找不到带 uno 模块的 Python（{self.python}）")
        if not shutil.which(self.soffice):
            raise ConverterUnavailable(f"找不到 LibreOffice（{self.soffice}）")
        self.profile = tempfile.mkdtemp(prefix=f"{PROFILE_PREFIX}{os.getpid()}-")
        scratch = Path(self.profile) / "tmp"
        scratch.mkdir()
        command = [
            self.python,
            "-m",
            "unoserver.server",
            "--interface=127.0.0.1",
            f"--port={self.port}",
            f"--uno-port={self.uno_port}",
            f"--executable={shutil.which(self.soffice)}",
            f"--user-installation={self.profile}",
            f"--conversion-timeout={self.timeout}",
        ]
        # unoserver is pure Python: the system Python finds it in this environment's
        # site-packages, beside nothing else it imports. Its scratch folder and
        # LibreOffice's lu*.tmp files go inside the profile, so they go with it.
        environment = {
            **os.environ,
            "PYTHONPATH": str(Path(unoserver.origin).parent.parent),
            "TMPDIR": str(scratch),
        }
        with open(Path(self.profile) / "unoserver.log", "wb") as log:
            self.process = subprocess.Popen(
                command, env=environment, stdout=log, stderr=log, start_new_session=True
            )
        (Path(self.profile) / SERVER_PID).write_text(str(self.process.pid))
        deadline = time.monotonic() + self.START_TIMEOUT
        while time.monotonic() < deadline:
            if self.answers():
                return
            if self.process.poll() is not None:
                log = Path(self.profile) / "unoserver.log"
                tail = log.read_text(errors="replace")[-300:] if log.exists() else ""
                self.stop()
                raise ConverterUnavailable(f"unoserver 启动后立即退出：{tail}")
            time.sleep(0.25)
        self.stop()
        raise ConverterUnavailable(f"unoserver 在 {self.START_TIMEOUT} 秒内没有就绪")

    def stop(self):
        """End our unoserver and its LibreOffice (one process group)."""
        if self.process is not None:
            if self.process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            self.process = None
        if self.profile:
            shutil.rmtree(self.profile, ignore_errors=True)
            self.profile = None


PROFILE_PREFIX = "notice-uno-"
SERVER_PID = "unoserver.pid"


def end_orphaned_converters():
    """A worker killed outright (SIGKILL, OOM, a power cut of its container) cannot stop its
    LibreOffice: the profile names the worker's process, and once that is gone its
    unoserver and LibreOffice are ended and the folder removed, so that neither piles up
    nor keeps answering on the port with nobody to restart it."""
    for profile in Path(tempfile.gettempdir()).glob(f"{PROFILE_PREFIX}*-*"):
        owner = profile.name.removeprefix(PROFILE_PREFIX).split("-", 1)[0]
        if not owner.isdigit() or process_alive(int(owner)):
            continue
        with contextlib.suppress(OSError, ValueError):
            server = int((profile / SERVER_PID).read_text())
            if b"unoserver" in Path(f"/proc/{server}/cmdline").read_bytes():
                os.killpg(server, signal.SIGKILL)
        shutil.rmtree(profile, ignore_errors=True)


_kept = {}


def kept_converter():
    """This process's kept-running converter; a change of its settings (another
    soffice, other ports) stops the old one first."""
    configuration = (
        settings.NOTICE_UNOSERVER_PORT,
        settings.NOTICE_UNO_PORT,
        settings.NOTICE_UNO_PYTHON,
        settings.NOTICE_SOFFICE,
        settings.NOTICE_PDF_TIMEOUT,
    )
    current = _kept.get("converter")
    if current is None or current.configuration != configuration:
        if current is not None:
            current.stop()
        current = _kept["converter"] = KeptConverter(*configuration)
        atexit.register(current.stop)
    return current


# Signing ----------------------------------------------------------------------


@cache
def _load_signer(path, passphrase, modified):
    """The signer of a PKCS#12 file, cached per file version (``modified``)."""
    from pyhanko.sign.signers import SimpleSigner

    loaded = SimpleSigner.load_pkcs12_data(
        Path(path).read_bytes(), other_certs=[], passphrase=passphrase.encode() or None
    )
    return _kept_key_signer_class()(
        signing_cert=loaded.signing_cert,
        signing_key=loaded.signing_key,
        cert_registry=loaded.cert_registry,
        signature_mechanism=loaded.signature_mechanism,
    )


@cache
def _kept_key_signer_class():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from pyhanko.sign.general import get_pyca_cryptography_hash
    from pyhanko.sign.signers import SimpleSigner

    class KeptKeySigner(SimpleSigner):
        """pyhanko's signer reads its private key again for every signature (about 90 ms
        for an RSA key, checked each time); a batch of notices signs with the key read
        once."""

        @property
        def private_key(self):
            if getattr(self, "_private_key", None) is None:
                self._private_key = serialization.load_der_private_key(
                    self.signing_key.dump(), password=None
                )
            return self._private_key

        def sign_raw(self, data, digest_algorithm):
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
            if mechanism.signature_algo != "rsassa_pkcs1v15" or not isinstance(
                self.private_key, RSAPrivateKey
            ):
                return super().sign_raw(data, digest_algorithm)
            hash_algorithm = get_pyca_cryptography_hash(digest_algorithm)
            return self.private_key.sign(data, PKCS1v15(), hash_algorithm)

    return KeptKeySigner


def configured_signer():
    path = settings.NOTICE_SIGNING_P12
    if not path or not os.path.exists(path):
        raise PdfNotProduced(
            "未配置签名证书（NOTICE_SIGNING_P12），未生成PDF；"
            "请管理员配置证书或运行 make_signing_certificate。"
        )
    try:
        return _load_signer(path, settings.NOTICE_SIGNING_PASSPHRASE, os.path.getmtime(path))
    except ValueError as error:
        raise PdfNotProduced("签名证书无法读取（文件损坏或口令错误），未生成PDF。") from error


def certificate_name(certificate):
    subject = certificate.subject.native
    return subject.get("common_name") or certificate.subject.human_friendly


def sign_pdf(pdf_bytes, reason, signer):
    """PAdES baseline signature over the whole PDF with ``signer`` (see configured_signer)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    metadata = signers.PdfSignatureMetadata(
        field_name="NoticeSignature",
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=settings.DOC_TEMPLATES_CENTRE_NAME,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes))
    return outside_event_loop(
        signers.sign_pdf, writer, metadata, signer=signer, bytes_reserved=_reserved_for(signer)
    ).getvalue()


def outside_event_loop(function, *args, **kwargs):
    """pyhanko signs and validates through ``asyncio.run``, which refuses to start inside a
    thread already running an event loop (an async server, a browser driver); there it
    runs in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def _reserved_for(signer):
    """Room for the signature in the PDF, known from the certificate, so that pyhanko does
    not sign a dummy first to measure it: the certificate, the RSA signature and the
    signed attributes, written in hexadecimal (twice the bytes), with a margin."""
    certificates = sum(len(cert.dump()) for cert in signer.cert_registry) + len(
        signer.signing_cert.dump()
    )
    return 2 * (certificates + 4096)


# Checking ---------------------------------------------------------------------


@dataclass
class SignatureCheck:
    ok: bool
    message: str
    signer: str = ""
    readable: bool = True


def check_signature(pdf_bytes):
    """Is the PDF signed by the configured certificate and unchanged since?"""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        signatures = PdfFileReader(io.BytesIO(pdf_bytes), strict=False).embedded_signatures
    except (PdfError, ValueError, KeyError):
        return SignatureCheck(False, "无法读取该PDF，文件可能已损坏。", readable=False)
    if not signatures:
        return SignatureCheck(False, "该PDF没有数字签名。")
    try:
        expected = configured_signer().signing_cert
    except PdfNotProduced:
        return SignatureCheck(False, "系统未配置签名证书，无法核验数字签名。")
    embedded = signatures[-1]
    try:
        status = outside_event_loop(
            validate_pdf_signature, embedded, ValidationContext(trust_roots=[expected])
        )
    except (PdfError, ValueError, KeyError):
        return SignatureCheck(False, "数字签名无法核验，文件可能被改动或已损坏。")
    signer = certificate_name(status.signing_cert) if status.signing_cert else ""
    if not status.intact or not status.valid:
        return SignatureCheck(False, "数字签名无效：签名之后文件内容被改动过。", signer)
    if status.signing_cert.sha256 != expected.sha256:
        return SignatureCheck(False, f"数字签名不是本中心的证书所签（签名者：{signer}）。", signer)
    if status.coverage.name != "ENTIRE_FILE":
        return SignatureCheck(False, "签名之后文件被追加修改过，签名不覆盖整个文件。", signer)
    return SignatureCheck(True, f"数字签名有效，签名证书：{signer}。", signer)


# Development certificate ------------------------------------------------------


def write_self_signed_certificate(path, passphrase, common_name, days=3650):
    """A self-signed signing certificate as a PKCS#12 file, for development and tests;
    production uses a certificate issued by a CA the recipients trust."""
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, settings.DOC_TEMPLATES_CENTRE_NAME),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    encryption = (
        serialization.BestAvailableEncryption(passphrase.encode())
        if passphrase
        else serialization.NoEncryption()
    )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            common_name.encode(), key, certificate, None, encryption
        )
    )
    path.chmod(0o600)
    return certificate
