"""The staff search page, its JSON endpoints, the hit redirect and the count of opened hits
(the token API is GET /api/search, in the api app)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from search.misses import record_open
from search.query import FACETS, search, suggest
from search.registry import get_kind

JSON_OPTIONS = {"json_dumps_params": {"ensure_ascii": False}}


def _filters(params):
    return {name: params.get(name, "") for name in FACETS}


def _payload(result):
    return {
        "query": result.query,
        "total": result.total,
        "hits": result.hits,
        "facets": result.facets,
        "unavailable": result.unavailable,
        "message": result.message,
        "suggestions": result.suggestions,
    }


def staff_search_page(request):
    """Keyboard-first search for staff on the phone (registered in the Wagtail admin)."""
    query = request.GET.get("q", "")
    result = search(request.user, query, filters=_filters(request.GET)) if query else None
    return render(
        request,
        "search/staff_search.html",
        {"query": query, "result": result, "facet_names": FACETS},
    )


@never_cache
@login_required
def search_json(request):
    """The search page's results as JSON for its script: data, not a screen."""
    result = search(request.user, request.GET.get("q", ""), filters=_filters(request.GET))
    return JsonResponse(_payload(result), status=503 if result.unavailable else 200, **JSON_OPTIONS)


@never_cache
@login_required
def suggest_json(request):
    """Completions for the search box as JSON: data, not a screen."""
    return JsonResponse({"suggestions": suggest(request.GET.get("q", ""))}, **JSON_OPTIONS)


def _known_kind(kind):
    searchable = get_kind(kind)
    if searchable is None:
        raise Http404("没有这类检索结果")
    return searchable


@login_required
@require_safe
def open_hit(request, kind, object_id):
    """Open a search hit, asking the owning area's policy again (and logging archive reads)."""
    return _known_kind(kind).open(request, object_id)


@login_required
@require_POST
def hit_opened(request, kind, object_id):
    """The search page posts each hit a colleague opens, so suggestions offer the most-opened
    scripts of a topic first; opening the hit's link alone counts nothing."""
    _known_kind(kind)
    record_open(kind, object_id, request.POST.get("topic", "")[:200])
    return HttpResponse(status=204)
