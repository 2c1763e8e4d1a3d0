"""Bearer tokens with scopes. There is no session login on the API: a browser signed in
to the admin gets no further here than anyone else without a token."""

from ninja.security import HttpBearer

from api.errors import ApiError
from api.models import Scope
from api.tokens import count_request, token_for_key


class TokenAuth(HttpBearer):
    """Accepts a usable token holding ``scope``; sets ``request.user`` to its user."""

    def __init__(self, scope=None):
        self.scope = scope
        super().__init__()

    def authenticate(self, request, token):
        api_token = token_for_key(token)
        count_request(api_token)
        if self.scope and self.scope not in api_token.terms.scopes:
            raise ApiError(
                403, "scope_missing", f"此令牌没有「{Scope(self.scope).label}」权限范围。"
            )
        request.user = api_token.user
        return api_token


def scoped(scope=None):
    return [TokenAuth(scope)]
