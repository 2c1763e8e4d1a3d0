from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from cms.archives.importer import Importer, ImportFailed
from cms.archives.policy import can_import_archives
from core.commands import acting_user


class Command(BaseCommand):
    help = "从 Excel 导入业户档案（房屋与业主）：逐行校验，有任何错误则整份不导入；重复导入同一文件不会改变数据。"

    def add_arguments(self, parser):
        parser.add_argument(
            "path", help="Excel 文件（.xlsx），首行为列名：小区、楼栋、单元、楼层、房号……"
        )
        parser.add_argument("--user", help="经办档案员的用户名（必填），记入每户的修订与变更记录")

    def handle(self, path, **options):
        path = Path(path)
        if not path.exists():
            raise CommandError(f"找不到文件：{path}")
        by = self.importing_user(options.get("user"))
        # The importer tells the bar how many rows the sheet has once it has read them.
        with tqdm(desc="导入业户档案", unit="户", disable=options["verbosity"] == 0) as bar:
            try:
                result = Importer(by=by, progress=bar).run(path, source_name=path.name)
            except ImportFailed as failure:
                for error in failure.errors:
                    self.stderr.write(str(error))
                raise CommandError(str(failure)) from failure
        self.stdout.write(self.style.SUCCESS(f"导入完成：{result}"))

    def importing_user(self, username):
        return acting_user(
            username,
            missing="请用 --user 指明经办档案员的用户名：每户的修订与变更记录都记下导入人。",
            allowed=can_import_archives,
            refused=f"用户“{username}”无权导入业户档案：导入须由档案员经办。",
        )
