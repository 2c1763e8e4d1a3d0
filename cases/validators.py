"""Checks on what callers tell us: their names and phones."""

import unicodedata

from django.core.exceptions import ValidationError

from cms.archives.validators import phone_is_valid

# Letters, marks, digits, spaces and punctuation (王先生（租户）, 阿卜杜·热合曼) make a name;
# control and format characters, private-use code points and emoji do not.
REFUSED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "So", "Sk"}


def name_is_clean(name):
    return not any(unicodedata.category(char) in REFUSED_CATEGORIES for char in name or "")


def validate_person_name(name):
    if not name_is_clean(name):
        raise ValidationError(
            "姓名只能包含文字、数字和标点，不能有表情符号或不可见的控制字符。", code="invalid_name"
        )


def validate_caller_phone(phone):
    """The same rule as the phones on an owner card: mobile or landline with area code."""
    if phone and not phone_is_valid(phone):
        raise ValidationError(
            "联系电话格式不正确：应为 11 位手机号（如 13812345678）或带区号的固话（如 0755-83001234）。",
            code="invalid_phone",
        )
