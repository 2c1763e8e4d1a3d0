"""One download response for every app: the browser saves the file under its Chinese
name (RFC 6266 ``filename*=utf-8''…``, with an ASCII fallback for old clients), never
renders it inline and never caches a private file."""

import mimetypes
import re
from pathlib import PurePosixPath
from urllib.parse import quote

from django.http import FileResponse, HttpResponse

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
ZIP = "application/zip"


def _ascii_fallback(filename):
    path = PurePosixPath(filename)
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", path.stem).strip("_-") or "download"
    suffix = re.sub(r"[^A-Za-z0-9.]", "", path.suffix)
    return stem + suffix


def attachment_header(filename):
    """The Content-Disposition value for saving ``filename`` (Chinese allowed):
    ``attachment; filename="ascii"; filename*=UTF-8''percent-encoded``."""
    filename = filename.replace("\r", "").replace("\n", "").replace("/", "-")
    if filename.isascii() and '"' not in filename and "\\" not in filename:
        return f'attachment; filename="{filename}"'
    encoded = quote(filename, safe="")
    return f"attachment; filename=\"{_ascii_fallback(filename)}\"; filename*=UTF-8''{encoded}"


def download_response(content, filename, content_type=None):
    """``content`` is bytes (made for this request) or an open binary file (streamed); without
    a ``content_type`` it is the one the file name's extension stands for."""
    content_type = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    if isinstance(content, bytes | bytearray):
        response = HttpResponse(content, content_type=content_type)
    else:
        response = FileResponse(content, content_type=content_type)
    response["Content-Disposition"] = attachment_header(filename)
    response["Cache-Control"] = "private, no-store"
    return response
