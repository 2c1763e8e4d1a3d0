"""The product's API under /api/ (django-ninja): OpenAPI 3.1 at /api/openapi.json and
interactive docs at /api/docs, in Chinese."""

from ninja import NinjaAPI, Path, Router

from api import archives, cases, notices, scripts, search
from api.auth import scoped
from api.errors import MAX_ID, ErrorOut, install_error_handlers, responses
from api.pages import refuse_page_deletion

DESCRIPTION = """\
物业档案与案件库的接口，供呼叫中心系统、微信小程序等调用。

**认证**：每个请求在请求头带 `Authorization: Bearer <令牌>`。令牌由管理员在后台
「设置 › 接口令牌」或用 `manage.py api_token create` 创建，属于一个用户、有权限范围
（查询回复口径、登记和办理案件、查看案件与文书、业户档案）和有效期；接口不接受后台登录会话。

**限流**：每个令牌每分钟有请求上限，超出时返回 429 和 `Retry-After`。

**错误**：一律为 JSON：`code`（稳定的英文代码）、`message`（中文说明），输入有误时另有 `errors`。

每个操作都按后台同样的权限规则判断；查阅业户档案同样记入查阅登记簿。
"""

api = NinjaAPI(
    title="物业档案与案件库 接口",
    version="1.0",
    description=DESCRIPTION,
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_error_handlers(api)

api.add_router("/cases", cases.router)
api.add_router("/scripts", scripts.router)
api.add_router("/notices", notices.router)
api.add_router("/archives", archives.router)
api.add_router("/search", search.router)

pages = Router(tags=["页面"])


@pages.delete(
    "/{page_id}",
    response=responses(204, None, 405),
    auth=scoped(),
    summary="删除页面（不提供）",
    description="接口不删除页面；对业户档案的删除尝试被拒绝并记入删除档案尝试。",
)
def delete_page(request, page_id: int = Path(..., ge=1, le=MAX_ID)):
    refuse_page_deletion(page_id, request.user)


api.add_router("/pages", pages)

__all__ = ["ErrorOut", "api"]
