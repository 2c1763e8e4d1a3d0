from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from cms.replies.importing import ImportRejected, check_rows, import_rows, read_rows


class Command(BaseCommand):
    help = "导入口径汇编（.xlsx / .csv / .json；列 question、answer、topic、keywords，其余可选）。全部校验通过才写入。"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", help="记为导入人并审批发布的账号（默认第一个超级用户）")
        parser.add_argument("--draft", action="store_true", help="只保存为草稿，等待部门负责人审批")

    def handle(self, *args, **options):
        users = get_user_model().objects
        by = (
            users.filter(username=options["user"]).first()
            if options["user"]
            else users.filter(is_superuser=True).first()
        )
        if options["user"] and by is None:
            raise CommandError(f"没有账号“{options['user']}”")
        try:
            rows = read_rows(options["file"])
            parsed = check_rows(rows)
            with tqdm(total=len(parsed), desc="导入口径", unit="条", file=self.stderr) as bar:
                created, updated = import_rows(
                    parsed, by, publish=not options["draft"], progress=bar
                )
        except FileNotFoundError as error:
            raise CommandError(f"找不到文件：{options['file']}") from error
        except ImportRejected as rejected:
            raise CommandError(
                "导入未执行，文件中有以下问题：\n" + "\n".join(rejected.errors)
            ) from rejected
        state = "草稿（待审批）" if options["draft"] else "已发布"
        self.stdout.write(
            self.style.SUCCESS(f"导入完成：新增 {created} 条，更新 {updated} 条，状态：{state}")
        )
