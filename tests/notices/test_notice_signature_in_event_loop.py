"""Signing and checking a notice's PDF also work from a thread that already runs an
event loop (an async server, a browser driver), where pyhanko's own asyncio.run refuses."""

import asyncio
import io
from concurrent.futures import ThreadPoolExecutor

from pypdf import PdfWriter

from doc_templates.pdf import (
    check_signature,
    configured_signer,
    sign_pdf,
    write_self_signed_certificate,
)


def blank_pdf():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_pdf_is_signed_and_checked_inside_a_running_event_loop(settings, tmp_path):
    settings.NOTICE_SIGNING_P12 = str(tmp_path / "signing.p12")
    settings.NOTICE_SIGNING_PASSPHRASE = "loop-test"
    write_self_signed_certificate(settings.NOTICE_SIGNING_P12, "loop-test", "翠湖文书签章")

    async def sign_and_check():
        signed = sign_pdf(blank_pdf(), "签发", configured_signer())
        return check_signature(signed)

    # In a thread of its own: this test's thread may already run a browser driver's loop.
    with ThreadPoolExecutor(max_workers=1) as pool:
        result = pool.submit(asyncio.run, sign_and_check()).result()
    assert result.ok, result.message
    assert "翠湖文书签章" in result.message
