"""Create, list and revoke API tokens from the shell.

manage.py api_token create --user kefu --name 呼叫中心 --scope scripts:read --scope cases:register --days 90
manage.py api_token list [--user kefu]
manage.py api_token revoke <前缀>
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from wagtail.models import APIToken

from api.models import Scope
from api.tokens import create_token, revoke_token
from core.commands import acting_user


class Command(BaseCommand):
    help = "管理接口令牌：create 创建、list 列出、revoke 吊销"

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        create = commands.add_parser("create", help="创建令牌（只显示一次）")
        create.add_argument("--user", required=True, help="令牌所属用户名")
        create.add_argument("--name", required=True, help="用途")
        create.add_argument(
            "--scope", action="append", required=True, choices=Scope.values, help="权限范围，可多次"
        )
        create.add_argument("--days", type=int, default=90, help="有效天数（默认 90）")
        listing = commands.add_parser("list", help="列出令牌")
        listing.add_argument("--user", help="只列出此用户的令牌")
        revoke = commands.add_parser("revoke", help="吊销令牌")
        revoke.add_argument("prefix", help="令牌前缀（列表中显示的前几位）")

    def handle(self, *args, action, **options):
        getattr(self, f"handle_{action}")(**options)

    def handle_create(self, user, name, scope, days, **options):
        owner = acting_user(user)
        try:
            token, key = create_token(owner, name, scope, days)
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from error
        self.stderr.write(
            f"已为 {owner.username} 创建令牌「{token.name}」，请妥善保存（只显示这一次）："
        )
        self.stdout.write(key)

    def handle_list(self, user=None, **options):
        tokens = APIToken.objects.select_related("user", "terms").order_by("-created")
        if user:
            tokens = tokens.filter(user__username=user)
        for token in tokens:
            terms = getattr(token, "terms", None)
            state = "已吊销" if token.revoked_at else (terms.state_label if terms else "未设定")
            expires = f"{timezone.localtime(terms.expires_at):%Y-%m-%d}" if terms else "—"
            used = (
                f"{timezone.localtime(token.last_used_at):%Y-%m-%d %H:%M}"
                if token.last_used_at
                else "未使用"
            )
            scopes = terms.scope_labels if terms else ""
            self.stdout.write(
                f"{token.prefix}\t{token.user.username}\t{token.name}\t{scopes}\t至 {expires}\t{state}\t{used}"
            )

    def handle_revoke(self, prefix, **options):
        matches = list(APIToken.objects.filter(prefix__startswith=prefix)[:2])
        if len(matches) != 1:
            raise CommandError(
                "没有找到该前缀的令牌。" if not matches else "前缀对应多个令牌，请写得更长。"
            )
        token = revoke_token(matches[0])
        self.stdout.write(f"已吊销令牌「{token.name}」（{token.prefix}…）。")
