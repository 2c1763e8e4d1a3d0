"""Signed-PDF benchmark: one soffice started per notice versus the LibreOffice kept
running behind unoserver, on the same issued 整改通知书 files, in one run.

    .venv/bin/python bench/notices_pdf_bench.py [--notices 20] [--port 2005 --uno-port 2006]

Each side converts the same N filled notices and signs them with a throw-away
self-signed certificate (pyhanko, as issuing does). The kept-running side reports its
first notice (LibreOffice starting) apart from the median of the rest.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from notices_bench import TEMPLATE, values_for  # noqa: E402

from doc_templates import pdf  # noqa: E402
from doc_templates.filling import render  # noqa: E402


def signed(convert, docx_bytes, signer):
    return pdf.sign_pdf(convert(docx_bytes), "签发", signer)


def timings(convert, notices, signer):
    result = []
    for docx_bytes in notices:
        started = time.perf_counter()
        signed(convert, docx_bytes, signer)
        result.append(time.perf_counter() - started)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notices", type=int, default=20)
    parser.add_argument("--port", type=int, default=2005)
    parser.add_argument("--uno-port", type=int, default=2006)
    args = parser.parse_args()
    settings.NOTICE_UNOSERVER_PORT, settings.NOTICE_UNO_PORT = args.port, args.uno_port
    settings.NOTICE_PDF_KEEP_RUNNING = True

    folder = Path(tempfile.mkdtemp(prefix="pdf-bench-"))
    settings.NOTICE_SIGNING_P12 = str(folder / "bench.p12")
    pdf.write_self_signed_certificate(settings.NOTICE_SIGNING_P12, "", "基准测试签章")
    signer = pdf.configured_signer()
    template = TEMPLATE.read_bytes()
    notices = [render(template, values_for(index)) for index in range(args.notices)]

    own = timings(pdf.convert_with_own_soffice, notices, signer)
    converter = pdf.kept_converter()
    kept = timings(converter.convert, notices, signer)
    converter.stop()

    print(f"{args.notices} 份整改通知书（转换 + 签名），同一次运行；CPU {os.cpu_count()} 核")
    print("| 方式 | 第一份 | 其后每份（中位数） | 合计 |")
    print("|---|---:|---:|---:|")
    for name, values in (("每份启动一次 soffice", own), ("常驻 LibreOffice（unoserver）", kept)):
        rest = statistics.median(values[1:]) if len(values) > 1 else values[0]
        print(f"| {name} | {values[0]:.2f} s | {rest:.2f} s | {sum(values):.1f} s |")
    print(f"其后每份快 {statistics.median(own[1:]) / statistics.median(kept[1:]):.1f} 倍")


if __name__ == "__main__":
    main()
