"""Photos of audit findings are checked by their content (Pillow), not their name."""

from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


def validate_photo(upload):
    """Refuse anything that is not really a JPEG, PNG, WebP or GIF picture of sane size."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_PHOTO_BYTES:
        raise ValidationError("照片不能超过 10 MB。")
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError("上传的文件不是有效的图片（支持 JPG、PNG、WebP、GIF）。") from None
    finally:
        upload.seek(0)
    if image_format not in ACCEPTED_FORMATS:
        raise ValidationError("照片格式不支持，请上传 JPG、PNG、WebP 或 GIF。")
    if width * height > MAX_PIXELS:
        raise ValidationError("照片像素过大，请压缩后再上传。")
