"""Issue a tri-party reminder to every household of an estate or building, as one zip.

manage.py issue_tri_party_batch --scope 翠湖花园/3栋 --topic 高空抛物 --user jingli
"""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from cms.archives.exports import archive_scope
from core.commands import acting_user
from doc_templates.actions import run_batch, start_batch


def find_scope(label):
    """An estate by title ("翠湖花园") or a building as "小区/楼栋"."""
    estate_title, _, building_title = label.partition("/")
    try:
        return archive_scope(estate_title, building_title)
    except LookupError as missing:
        raise CommandError(str(missing)) from missing


class Command(BaseCommand):
    help = "为小区或楼栋的每户签发三方温馨提示，并打包为 zip"

    def add_arguments(self, parser):
        parser.add_argument("--scope", required=True, help="小区，或 小区/楼栋")
        parser.add_argument("--topic", required=True, help="主题，如 高空抛物、宠物、噪音")
        parser.add_argument("--user", required=True, help="签发人用户名（须有签发权限）")

    def handle(self, *args, scope, topic, user, **options):
        issuer = acting_user(user)
        batch = start_batch(find_scope(scope), topic, issuer)
        with tqdm(total=batch.total, desc="三方温馨提示", unit="户") as bar:
            batch = run_batch(batch, progress=lambda done, total: bar.update(1))
        self.stdout.write(f"已签发 {batch.done} 份，压缩包：{batch.archive.path}")
