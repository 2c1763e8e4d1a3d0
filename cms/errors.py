"""Chinese error pages for 400, 403, 404, 413 and 500 that always show the way back.

They render without the database or the signed-in user (a 500 may come from either), so
every page is a plain template and the way back comes from the request alone: the page the
user came from (same site only) and the start page of the part of the site they were in.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost, RequestDataTooBig
from django.http import HttpResponse
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

PAGES = {
    400: ("请求无法处理", "提交的内容中有无法识别的部分（例如无效的编号或格式），没有保存任何内容。"),
    403: ("无权访问", "您没有权限查看或执行此操作。如需访问，请联系客服中心经理。"),
    404: ("页面不存在", "您要找的页面或记录不存在，可能已被移动，或地址有误。"),
    413: ("提交的内容过大", ""),
    500: ("系统出错了", "处理请求时出现了意外错误，已记录，技术人员会尽快处理。请稍后再试。"),
}
CSRF_REASON = "页面已过期或来源无法验证（CSRF 校验失败）。请返回上一页，刷新后重新提交。"


def same_site_referer(request):
    """The page the user came from, only when it is on this site (no open redirect)."""
    referer = request.META.get("HTTP_REFERER", "")
    parts = urlsplit(referer)
    try:
        host = request.get_host()
    except DisallowedHost:
        return ""
    if not referer or parts.scheme not in ("http", "https", "") or parts.netloc != host:
        return ""
    return referer


def home_for(request):
    """Staff work in the admin (the site's start page leads there too). Owners following
    their case by its personal link (/track/…) have no start page: only the way back."""
    if request.path.startswith("/track/"):
        return "", ""
    return "/admin/", "返回管理后台首页"


def render_error(request, status, detail=None):
    title, default_detail = PAGES[status]
    home_url, home_label = home_for(request)
    context = {
        "status": status,
        "title": title,
        "detail": detail or default_detail,
        "back_url": same_site_referer(request),
        "home_url": home_url,
        "home_label": home_label,
        "kept_input": request.method == "POST",
    }
    body = loader.get_template("errors/error.html").render(context)
    return HttpResponse(body, status=status, content_type="text/html; charset=utf-8")


def megabytes(size):
    return f"{size / 1024 / 1024:.1f} MB"


def request_too_big(request):
    detail = (
        f"一次提交的表单内容不能超过 {megabytes(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)}，"
        f"连同附件不能超过 {megabytes(settings.REQUEST_MAX_BYTES)}。本次提交没有保存。"
        "请返回上一页，缩短文字或分几次上传附件。"
    )
    return render_error(request, 413, detail)


def chinese_message(exception):
    """Only our own Chinese messages are shown; Django's and Wagtail's bare ones say nothing."""
    message = str(exception) if exception else ""
    return message if any("\u4e00" <= ch <= "\u9fff" for ch in message) else None


@requires_csrf_token
def bad_request(request, exception=None):
    if isinstance(exception, RequestDataTooBig):
        return request_too_big(request)
    return render_error(request, 400, chinese_message(exception))


@requires_csrf_token
def permission_denied(request, exception=None):
    return render_error(request, 403, chinese_message(exception))


@requires_csrf_token
def page_not_found(request, exception=None):
    return render_error(request, 404)


@requires_csrf_token
def server_error(request):
    return render_error(request, 500)


def csrf_failure(request, reason=""):
    return render_error(request, 403, CSRF_REASON)
