from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from cms.replies.bulk_actions import PUBLISH_PERMISSION
from cms.replies.importing import ImportRejected, check_rows, import_rows, read_rows
from core.commands import acting_user


class Command(BaseCommand):
    help = (
        "导入口径汇编（.xlsx / .csv / .json；列 question、answer、topic、keywords，其余可选）。"
        "全部校验通过才写入。指定 --user（部门负责人）则以其名义审批发布，否则全部存为草稿待审批。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", help="审批发布人的账号（须为部门负责人）；不指定则导入为草稿")
        parser.add_argument("--draft", action="store_true", help="即使指定了 --user 也只存为草稿")

    def handle(self, *args, **options):
        by, publish = self._approver(options["user"]), not options["draft"]
        publish = publish and by is not None
        try:
            rows = read_rows(options["file"])
            parsed = check_rows(rows)
            with tqdm(total=len(parsed), desc="导入口径", unit="条", file=self.stderr) as bar:
                created, updated = import_rows(parsed, by, publish=publish, progress=bar)
        except FileNotFoundError as error:
            raise CommandError(f"找不到文件：{options['file']}") from error
        except ImportRejected as rejected:
            raise CommandError(
                "导入未执行，文件中有以下问题：\n" + "\n".join(rejected.errors)
            ) from rejected
        state = f"已由 {by.get_username()} 审批发布" if publish else "草稿（待部门负责人审批）"
        self.stdout.write(
            self.style.SUCCESS(f"导入完成：新增 {created} 条，更新 {updated} 条，状态：{state}")
        )

    def _approver(self, username):
        if not username:
            return None
        return acting_user(
            username,
            allowed=lambda user: user.has_perm(PUBLISH_PERMISSION),
            refused=f"账号“{username}”不是部门负责人，无权审批发布口径；不指定 --user 可导入为草稿",
        )
