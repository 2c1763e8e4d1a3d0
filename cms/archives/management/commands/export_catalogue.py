from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from cms.archives import exports, policy
from core.commands import acting_user


class Command(BaseCommand):
    help = "导出业户档案目录（业主姓名、地址、收楼时间、面积），Excel 或 CSV；每户记入查阅登记簿。"

    def add_arguments(self, parser):
        parser.add_argument("output", help="输出文件，.xlsx 或 .csv")
        parser.add_argument("--user", required=True, help="导出人用户名（记入查阅登记簿）")
        parser.add_argument("--estate", help="小区名称")
        parser.add_argument("--building", help="楼栋名称（需同时给出小区）")

    def handle(self, output, user, estate=None, building=None, **options):
        reader = acting_user(
            user, allowed=policy.reads_everything, refused=f"用户 {user} 无权导出业户档案目录。"
        )
        scope = self.scope(estate, building)
        households = policy.readable_households(reader)
        count = (households.descendant_of(scope) if scope else households).count()
        rows = exports.catalogue_households(scope, households)
        with tqdm(
            total=count, desc="导出档案目录", unit="户", disable=options["verbosity"] == 0
        ) as bar:
            if output.endswith(".csv"):
                with open(output, "w", encoding="utf-8", newline="") as stream:
                    written = exports.write_catalogue_csv(rows, stream, progress=bar)
            else:
                with open(output, "wb") as stream:
                    written = exports.write_catalogue_xlsx(rows, stream, progress=bar)
        exports.register_export(reader, written)
        self.stdout.write(self.style.SUCCESS(f"已导出 {len(written)} 户到 {output}"))

    def scope(self, estate, building):
        if not estate:
            if building:
                raise CommandError("指定楼栋时须同时指定小区（--estate）。")
            return None
        try:
            return exports.archive_scope(estate, building or "")
        except LookupError as missing:
            raise CommandError(str(missing)) from missing
