"""Guards at the project's seams, so junk in a URL or a form is a Chinese 404/400/413, never a 500.

Wagtail's and Django's own views look rows up with whatever the URL or the form carried: a
household id past SQLite's 64-bit range, a non-numeric id in a snippet chooser or a revision
comparison, a chooser re-rendered with a junk value. Those views are not ours to rewrite, so the
request is checked on its way in (path parameters, request size) and the few errors that only
mean "no such row" are mapped on the way out.
"""

import logging

from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.db import DataError
from django.db.models import IntegerField
from django.http import Http404
from django.utils.html import escape
from wagtail.admin.rich_text import DraftailRichTextArea

from cms import errors

logger = logging.getLogger(__name__)

# The range every supported database stores in an integer column.
SMALLEST_ID = -(2**63)
LARGEST_ID = 2**63 - 1
# Path parameters that name the row of the view's own model (Wagtail's viewsets take them as text).
ID_PARAMETERS = {"pk", "id", "object_id"}
# Wagtail's page views that assume the page has a parent; the tree root has none.
VIEWS_NEEDING_A_PARENT = {"wagtailadmin_pages:set_page_position"}
INTEGER_QUERY_PARAMETERS = ("parent_page_id", "page_id")


def fits_integer_column(value):
    return SMALLEST_ID <= value <= LARGEST_ID


def has_integer_key(model):
    key = model._meta.pk
    while key.is_relation:  # a page's key is its link to the base page
        key = key.target_field
    return isinstance(key, IntegerField)  # auto keys included


def view_model(view_func):
    """The model a class-based view was set up for (Wagtail's viewsets pass it to as_view)."""
    model = getattr(view_func, "view_initkwargs", {}).get("model")
    if model is None:
        model = getattr(getattr(view_func, "view_class", None), "model", None)
    return model if isinstance(model, type) else None


def is_plain_integer(text):
    return text.isascii() and text.lstrip("-").isdigit() and fits_integer_column(int(text))


def junk_path_parameter(view_func, view_kwargs):
    """The name of the first path parameter no row could ever have, or None."""
    integer_keyed = (model := view_model(view_func)) is not None and has_integer_key(model)
    for name, value in view_kwargs.items():
        if isinstance(value, int) and not fits_integer_column(value):
            return name
        # Row ids start at 1; Wagtail's revert view takes a revision id of 0 for "no
        # revision" and then fails instead of answering 404.
        if isinstance(value, int) and is_id_parameter(name) and value < 1:
            return name
        # Digits past the range are no key of any table here, whatever the view's model.
        digits = isinstance(value, str) and value.isascii() and value.isdigit()
        if digits and not fits_integer_column(int(value)):
            return name
        if isinstance(value, str) and integer_keyed and name in ID_PARAMETERS and not is_plain_integer(value):
            return name
    return None


def means_no_such_row(exception):
    """Errors a lookup raises only when the value could never be a key of the table."""
    text = str(exception)
    if isinstance(exception, OverflowError):
        return "too large to convert" in text
    if isinstance(exception, (ValueError, TypeError)):
        return text.startswith("Field '") and "expected a number" in text
    if isinstance(exception, DataError):
        return "out of range" in text or "invalid input syntax" in text
    return False


def request_too_big(request):
    """Judge the size before any view reads the body, so the user gets the Chinese 413 page."""
    length = request.META.get("CONTENT_LENGTH") or "0"
    if length.isdigit() and int(length) > settings.REQUEST_MAX_BYTES:
        return True
    content_type = request.META.get("CONTENT_TYPE", "")
    if request.method != "POST" or not content_type.startswith(
        ("multipart/form-data", "application/x-www-form-urlencoded")
    ):
        return False
    try:
        request.POST  # noqa: B018 - reading the form enforces DATA_UPLOAD_MAX_MEMORY_SIZE
    except RequestDataTooBig:
        return True
    return False


def is_id_parameter(name):
    return name in ID_PARAMETERS or name.endswith("_id")


def has_nul_character(request):
    """PostgreSQL cannot store a NUL character in text, so no form or query that carries
    one can be saved or looked up; the API strips them itself and answers in JSON."""
    if request.path.startswith("/api/"):
        return False
    values = [*request.GET.values()]
    if request.method == "POST" and request.content_type in (
        "multipart/form-data",
        "application/x-www-form-urlencoded",
    ):
        values += request.POST.values()
    return any("\x00" in value for value in values)


def junk_query_parameter(request):
    """Wagtail's choosers put these query parameters into URLs they reverse as numbers."""
    for name in INTEGER_QUERY_PARAMETERS:
        value = request.GET.get(name)
        if value not in (None, "") and not is_plain_integer(value):
            return name
    return None


def fill_missing_link_fields(request, view_class):
    """Wagtail's link choosers read a missing URL as None and break; posted empty instead,
    the form answers with its own 必填 message."""
    from wagtail.admin.views.chooser import BaseLinkFormView

    if not issubclass(view_class, BaseLinkFormView):
        return
    form = view_class.form_class(prefix=view_class.form_prefix)
    missing = [form.add_prefix(name) for name in form.fields if form.add_prefix(name) not in request.POST]
    if missing:
        data = request.POST.copy()
        for name in missing:
            data[name] = ""
        request.POST = data


def refuse_chooser_without_creation_form(request, view_func, view_class):
    """A chooser whose model offers no creation form has nothing to post to."""
    from wagtail.admin.views.generic.chooser import CreateViewMixin

    model = view_model(view_func)
    if not issubclass(view_class, CreateViewMixin) or model is None:
        return
    if not request.user.is_authenticated:
        return  # the view's own login check answers first
    view = view_class(**getattr(view_func, "view_initkwargs", {}))
    view.setup(request)
    if view.get_creation_form_class() is None:
        raise Http404("此处不能新建")


class SafeDraftailRichTextArea(DraftailRichTextArea):
    """Draftail posts its content as JSON; a client that posts anything else (plain text,
    a broken editor state) keeps its words as escaped paragraphs instead of a 500."""

    def value_from_datadict(self, data, files, name):
        try:
            return super().value_from_datadict(data, files, name)
        except (ValueError, TypeError, AttributeError, KeyError):
            raw = data.get(name) or ""
            return "".join(f"<p>{escape(line)}</p>" for line in str(raw).splitlines() if line.strip())


class JunkRequestGuardMiddleware:
    """Oversize posts → 413 page; impossible ids → 404; the remaining "no such row"
    errors from Wagtail's views → 404 (GET) or 400 with a way back to the form (POST)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            if request_too_big(request):
                return errors.request_too_big(request)
        except (TooManyFieldsSent, TooManyFilesSent) as error:
            return errors.bad_request(request, error)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        name = junk_path_parameter(view_func, view_kwargs)
        if name is not None:
            raise Http404(f"地址中的编号无效（{name}）")
        if has_nul_character(request):
            raise BadRequest("提交的内容含有无法保存的控制字符，请删除后重新提交")
        junk_query = junk_query_parameter(request)
        if junk_query is not None:
            raise BadRequest(f"地址参数无效（{junk_query}）")
        view_class = getattr(view_func, "view_class", None)
        if request.method == "POST" and view_class is not None:
            fill_missing_link_fields(request, view_class)
            refuse_chooser_without_creation_form(request, view_func, view_class)
        match = request.resolver_match
        if match and match.view_name in VIEWS_NEEDING_A_PARENT:
            from wagtail.models import Page

            page_id = next(iter(view_kwargs.values()), None)
            if Page.objects.filter(pk=page_id, depth=1).exists():
                raise Http404("根页面不能调整位置")
        return None

    def process_exception(self, request, exception):
        if not means_no_such_row(exception):
            return None
        logger.warning("无效编号（%s %s）：%s", request.method, request.path, exception)
        if request.method in ("GET", "HEAD"):
            raise Http404("没有这条记录") from exception
        raise BadRequest("提交的内容中有无法识别的编号") from exception
