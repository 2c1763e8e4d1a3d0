"""回复口径: search with the staff page's engine and highlighting; read approved wording."""

from datetime import date

from django.shortcuts import get_object_or_404
from django.utils.html import strip_tags
from ninja import Field, Path, Query, Router, Schema

from api.auth import scoped
from api.errors import MAX_ID, ApiError, responses
from api.models import Scope
from cms.replies.models import ReplyScript
from search.query import search

router = Router(tags=["回复口径"])


class HitOut(Schema):
    id: int
    title: str = Field(description="问题")
    title_html: str = Field(description="问题，命中处以 <mark> 标出")
    snippet_html: str = Field(description="答复摘要，命中处以 <mark> 标出")
    answer: str = Field(description="标准答复")
    spoken: str = Field(description="口语版")
    topic: str = Field(description="主题")


class SearchOut(Schema):
    query: str
    total: int
    hits: list[HitOut]


class ScriptOut(Schema):
    id: int
    question: str = Field(description="问题")
    answer_html: str = Field(description="标准答复（HTML）")
    answer_text: str = Field(description="标准答复（纯文本）")
    spoken: str = Field(description="口语版（电话中可直接读出）")
    topic: str = Field(description="主题")
    keywords: str
    legal_basis: str = Field(description="法规或合同依据")
    dos: str = Field(description="应当")
    donts: str = Field(description="禁忌")
    effective_from: date = Field(description="生效日期")
    expires_on: date | None = Field(None, description="失效日期")


class SearchParams(Schema):
    q: str = Field(min_length=1, max_length=200, description="检索词：中文、拼音、首字母均可")
    size: int = Field(10, ge=1, le=50, description="返回条数")


@router.get(
    "/search",
    response=responses(200, SearchOut, 503),
    auth=scoped(Scope.READ_SCRIPTS),
    summary="检索回复口径",
    description="与后台“口径与档案检索”同一引擎：简繁、拼音、首字母、同义词；只含已审批的口径。",
)
def search_scripts(request, params: Query[SearchParams]):
    result = search(request.user, params.q, kinds=["reply"], size=params.size)
    if result.unavailable:
        raise ApiError(503, "search_unavailable", result.message)
    hits = [
        {**hit, "id": int(hit["id"])} for hit in result.hits if str(hit.get("id", "")).isdigit()
    ]
    return {"query": result.query, "total": result.total, "hits": hits}


@router.get(
    "/{script_id}",
    response=responses(200, ScriptOut),
    auth=scoped(Scope.READ_SCRIPTS),
    summary="查看回复口径",
    description="只给出已审批的措辞；草稿与待审批的修改不会出现。",
)
def read_script(request, script_id: int = Path(..., ge=1, le=MAX_ID)):
    script = get_object_or_404(ReplyScript.objects.approved().select_related("topic"), pk=script_id)
    return {
        "id": script.pk,
        "question": script.question,
        "answer_html": str(script.answer),
        "answer_text": strip_tags(str(script.answer)).strip(),
        "spoken": script.spoken,
        "topic": str(script.topic),
        "keywords": script.keywords,
        "legal_basis": script.legal_basis,
        "dos": script.dos,
        "donts": script.donts,
        "effective_from": script.effective_from,
        "expires_on": script.expires_on,
    }
