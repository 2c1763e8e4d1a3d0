"""Every API error is JSON: a stable ``code``, a Chinese ``message`` and, for bad input,
the fields at fault. Nothing a client sends answers 500."""

import logging

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as InputError

from api.tokens import TokenRefused

logger = logging.getLogger(__name__)


class ErrorOut(Schema):
    code: str
    message: str
    errors: list[dict] | None = None


class ApiError(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


# Ids beyond this cannot exist; larger numbers are refused as bad input, not sent to the database.
MAX_ID = 2**53

ERROR_STATUSES = (400, 401, 403, 404, 409, 413, 422, 429)


def responses(ok_status, schema, *extra):
    """The documented answers of an operation: its result and every error it may give."""
    return {ok_status: schema, **{status: ErrorOut for status in (*ERROR_STATUSES, *extra)}}


def _field_errors(errors):
    fields = []
    for error in errors:
        location = [
            str(part)
            for part in error.get("loc", ())
            if part not in ("body", "query", "path", "form", "file", "payload")
        ]
        fields.append({"field": ".".join(location), "message": _input_message(error)})
    return fields


INPUT_MESSAGES = {
    "missing": "必填",
    "string_too_long": "过长",
    "string_too_short": "不能为空",
    "int_parsing": "须为整数",
    "int_from_float": "须为整数",
    "greater_than_equal": "过小",
    "less_than_equal": "过大",
    "literal_error": "不是可选的值",
    "enum": "不是可选的值",
    "bool_parsing": "须为 true 或 false",
    "json_invalid": "不是有效的 JSON",
    "model_attributes_type": "格式不对",
    "dict_type": "格式不对",
    "string_type": "须为文字",
    "datetime_parsing": "日期时间格式不对",
}


def _input_message(error):
    return INPUT_MESSAGES.get(error.get("type", ""), "格式不对")


def install_error_handlers(api):
    def answer(request, status, code, message, errors=None, headers=None):
        response = api.create_response(
            request, {"code": code, "message": message, "errors": errors}, status=status
        )
        for name, value in (headers or {}).items():
            response[name] = value
        return response

    @api.exception_handler(ApiError)
    def api_error(request, exc):
        return answer(request, exc.status, exc.code, exc.message)

    @api.exception_handler(TokenRefused)
    def token_refused(request, exc):
        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else {}
        if exc.status == 401:
            headers["WWW-Authenticate"] = "Bearer"
        return answer(request, exc.status, exc.code, exc.message, headers=headers)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return answer(
            request,
            401,
            "token_missing",
            "请在请求头 Authorization: Bearer <令牌> 中提供接口令牌。",
            headers={"WWW-Authenticate": "Bearer"},
        )

    @api.exception_handler(InputError)
    def bad_input(request, exc):
        fields = _field_errors(exc.errors)
        detail = "；".join(f"{f['field'] or '请求'}{f['message']}" for f in fields)
        return answer(request, 422, "invalid_input", f"输入有误：{detail}", errors=fields)

    @api.exception_handler(ValidationError)
    def rule_refused(request, exc):
        from cases.actions import TransitionError

        if isinstance(exc, TransitionError):
            return answer(request, 409, "invalid_transition", "；".join(exc.messages))
        errors = None
        if hasattr(exc, "error_dict"):
            errors = [
                {"field": field, "message": "；".join(messages)}
                for field, messages in exc.message_dict.items()
            ]
        return answer(request, 422, "rule_violated", "；".join(exc.messages), errors=errors)

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return answer(request, 403, "forbidden", str(exc) or "没有权限执行此操作。")

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return answer(request, 404, "not_found", "没有找到，或您无权查看。")

    @api.exception_handler(ObjectDoesNotExist)
    def missing_object(request, exc):
        return answer(request, 404, "not_found", "没有找到，或您无权查看。")

    @api.exception_handler(Throttled)
    def throttled(request, exc):
        return answer(request, 429, "rate_limited", "请求过于频繁，请稍后再试。")

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        code = {400: "bad_request", 405: "method_not_allowed"}.get(exc.status_code, "error")
        message = {400: "请求格式不对，无法解析。"}.get(exc.status_code, str(exc))
        return answer(request, exc.status_code, code, message)

    @api.exception_handler(Exception)
    def unexpected(request, exc):
        logger.exception("API error on %s", request.path)
        return answer(request, 500, "internal_error", "服务器内部错误，已记录，请稍后再试。")
