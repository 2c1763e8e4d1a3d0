"""Make a self-signed certificate for signing notice PDFs (development and tests).

manage.py make_signing_certificate [--common-name 名称] [--force]

Writes the PKCS#12 file named by NOTICE_SIGNING_P12, protected by
NOTICE_SIGNING_PASSPHRASE. Production uses a certificate from a real CA.
"""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from doc_templates.pdf import write_self_signed_certificate


class Command(BaseCommand):
    help = "生成用于文书PDF数字签名的自签名证书（开发与测试用）"

    def add_arguments(self, parser):
        parser.add_argument("--common-name", default="", help="证书名称，默认为服务中心名称")
        parser.add_argument("--force", action="store_true", help="覆盖已有的证书文件")

    def handle(self, *args, common_name, force, **options):
        path = settings.NOTICE_SIGNING_P12
        if os.path.exists(path) and not force:
            raise CommandError(f"证书文件已存在：{path}（如需替换请加 --force）。")
        name = common_name or f"{settings.DOC_TEMPLATES_CENTRE_NAME}文书签章"
        certificate = write_self_signed_certificate(path, settings.NOTICE_SIGNING_PASSPHRASE, name)
        self.stdout.write(
            f"已生成自签名证书 {name}，有效期至 {certificate.not_valid_after_utc:%Y-%m-%d}：{path}"
        )
