"""检索: the staff search page's engine across everything the token may read — reply
scripts, cases, household archives — with the same facets, filters and suggestions.
Each kind needs its scope on the token, and within it the user's own policy decides
(archive hits as masked as on the staff page; opening one is a reading, registered)."""

from ninja import Field, Query, Router, Schema

from api.auth import scoped
from api.errors import ApiError, responses
from api.models import Scope
from search.query import search

router = Router(tags=["检索"])

# Which scope opens which kind of hit.
KIND_SCOPES = {"reply": Scope.READ_SCRIPTS, "case": Scope.READ_CASES, "archive": Scope.ARCHIVES}


class OverallHitOut(Schema):
    kind: str = Field(description="类别：reply 回复口径 / case 案件 / archive 业户档案")
    kind_label: str
    id: str
    title: str
    title_html: str = Field(description="标题，命中处以 <mark> 标出")
    snippet_html: str = Field(description="摘要，命中处以 <mark> 标出")
    answer: str
    spoken: str
    topic: str
    status: str
    approved_at: str
    url: str = Field(description="后台打开该结果的地址（再次按权限判断并登记查阅）")
    synonyms: list[str] = Field(description="按同义词匹配的说明")


class OverallFacetOut(Schema):
    value: str
    count: int
    label: str


class OverallSearchOut(Schema):
    query: str
    total: int
    hits: list[OverallHitOut]
    facets: dict[str, list[OverallFacetOut]] = Field(description="按类别、主题、状态的分面计数")
    suggestions: dict = Field(description="无结果时：最接近的主题及其常用口径")


class OverallSearchParams(Schema):
    q: str = Field(min_length=1, max_length=200, description="检索词：中文、拼音、首字母均可")
    kind: str = Field("", description="只看一类：reply / case / archive")
    topic: str = Field("", max_length=100, description="只看一个主题")
    status: str = Field("", max_length=30, description="只看一种状态")
    size: int = Field(10, ge=1, le=50, description="返回条数")


def kinds_for(token, wanted):
    allowed = [kind for kind, scope in KIND_SCOPES.items() if scope in token.terms.scopes]
    if wanted and wanted not in KIND_SCOPES:
        raise ApiError(422, "invalid_input", f"未知的类别「{wanted}」：可选 reply、case、archive。")
    if wanted and wanted not in allowed:
        label = Scope(KIND_SCOPES[wanted]).label
        raise ApiError(403, "scope_missing", f"此令牌没有「{label}」权限范围。")
    if not allowed:
        raise ApiError(403, "scope_missing", "此令牌没有可检索内容的权限范围。")
    return [wanted] if wanted else allowed


@router.get(
    "",
    response=responses(200, OverallSearchOut, 503),
    auth=scoped(),
    summary="综合检索",
    description=(
        "与后台“口径与档案检索”同一引擎和分面：回复口径需「查询回复口径」，案件需「查看案件与文书」，"
        "业户档案需「业户档案」权限范围；结果再按令牌所属用户的权限过滤。"
    ),
)
def search_everything(request, params: Query[OverallSearchParams]):
    kinds = kinds_for(request.auth, params.kind)
    filters = {"topic": params.topic, "status": params.status}
    result = search(request.user, params.q, kinds=kinds, filters=filters, size=params.size)
    if result.unavailable:
        raise ApiError(503, "search_unavailable", result.message)
    return {
        "query": result.query,
        "total": result.total,
        "hits": result.hits,
        "facets": result.facets,
        "suggestions": result.suggestions or {},
    }
