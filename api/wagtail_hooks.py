"""接口令牌 in the admin (设置 › 接口令牌): Wagtail's own token viewset, with scopes and
an expiry on creation, and revocation that keeps the row."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.functional import cached_property
from wagtail import hooks
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.log_actions import log
from wagtail.users.utils import user_can_manage_token
from wagtail.users.views import api_tokens

from api.forms import TokenForm
from api.tokens import create_token, revoke_token


def _local(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"


class TermsColumn(Column):
    def get_value(self, instance):
        terms = getattr(instance, "terms", None)
        if terms is None:
            return "未设定（不可用）"
        if self.name == "scopes":
            return terms.scope_labels
        if self.name == "expires_at":
            return _local(terms.expires_at)
        return "已吊销" if instance.revoked_at else terms.state_label


class TimeColumn(Column):
    def get_value(self, instance):
        return _local(getattr(instance, self.name))


class IndexView(api_tokens.IndexView):
    page_title = "接口令牌"

    def get_queryset(self):
        return super().get_queryset().select_related("terms")

    @cached_property
    def columns(self):
        return [
            self._get_title_column_class(TitleColumn)(
                "prefix", label="令牌", get_url=self.get_edit_url
            ),
            Column("name", label="用途"),
            Column("user", label="用户"),
            TermsColumn("scopes", label="权限范围"),
            TermsColumn("expires_at", label="有效期至"),
            TermsColumn("state", label="状态"),
            TimeColumn("created", label="创建时间"),
            TimeColumn("last_used_at", label="最近使用"),
        ]


class CreateView(api_tokens.CreateView):
    page_title = "新建接口令牌"

    def form_valid(self, form):
        owner = form.cleaned_data["user"]
        if not user_can_manage_token(self.request.user, owner, "wagtailcore.add_apitoken"):
            raise PermissionDenied
        data = form.cleaned_data
        self.object, key = create_token(
            owner, data["name"], data["scopes"], data["days"], by=self.request.user
        )
        log(self.object, "wagtail.apitoken.create", user=self.request.user)
        context = super().get_context_data(token=key)
        context["page_title"] = context["header_title"] = "接口令牌已创建"
        return TemplateResponse(self.request, "api/token_created.html", context)


class RevokeView(api_tokens.RevokeView):
    page_title = "吊销"
    template_name = "api/confirm_revoke.html"

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        if not user_can_manage_token(request.user, self.object.user, "wagtailcore.delete_apitoken"):
            raise PermissionDenied
        revoke_token(self.object, by=request.user)
        log(self.object, "wagtail.apitoken.revoke", user=request.user)
        messages.success(request, f"接口令牌「{self.object.name}」已吊销，立即失效。")
        return redirect(self.get_success_url())


class TokenViewSet(api_tokens.APITokenViewSet):
    menu_label = "接口令牌"
    add_view_class = CreateView
    index_view_class = IndexView
    delete_view_class = RevokeView

    def get_form_class(self, for_update=False):
        if for_update:
            return super().get_form_class(for_update=True)
        return TokenForm


@hooks.register("register_admin_viewset")
def register_token_viewset():
    return TokenViewSet("wagtailusers_api_tokens", url_prefix="api-tokens")
