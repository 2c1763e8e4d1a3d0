from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cms.replies.exports import handbook_document, scripts_workbook
from cms.replies.models import ReplyScript


class Command(BaseCommand):
    help = "导出已审批的口径：.xlsx 为表格（可再导入），.docx 为可打印的口径手册。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="输出文件，扩展名 .xlsx 或 .docx")

    def handle(self, *args, **options):
        path = Path(options["file"])
        scripts = list(ReplyScript.objects.approved().select_related("topic__parent"))
        if path.suffix == ".xlsx":
            scripts_workbook(scripts).save(path)
        elif path.suffix == ".docx":
            handbook_document(scripts).save(path)
        else:
            raise CommandError("请使用 .xlsx 或 .docx 扩展名")
        self.stdout.write(f"已导出 {len(scripts)} 条到 {path}")
