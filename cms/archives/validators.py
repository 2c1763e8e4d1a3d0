"""Checks for the identity numbers and phone numbers written on owner cards."""

import re
import unicodedata

from django.core.exceptions import ValidationError

# GB 11643: the 18th character is a checksum of the first 17 digits.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
ID_PATTERN = re.compile(r"^\d{17}[\dX]$")

MOBILE_PATTERN = re.compile(r"^(?:\+?86[- ]?)?1[3-9]\d{9}$")
# Area code 0xx or 0xxx, then a 7–8 digit number, optional extension.
LANDLINE_PATTERN = re.compile(r"^0\d{2,3}-?[2-9]\d{6,7}(?:-\d{1,6})?$")


def mainland_id_is_valid(number):
    number = (number or "").strip().upper()
    if not ID_PATTERN.match(number):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11] == number[17]


# A mobile as people write it: in groups with dashes, with the country code (+86, 0086).
SPOKEN_MOBILE = re.compile(r"^(?:\+86|0086)?-?(1[3-9]\d)-?(\d{4})-?(\d{4})$")


def normalized_phone(phone):
    """A phone as it is checked, stored and compared: digits and dashes typed in full width
    by a Chinese input method (１３８…，－) become plain ones, and the spaces of a number
    read out in groups (138 2600 1201) go, so the caller's number matches the card's.
    A mobile written in dashed groups (138-2600-1201) or with the country code
    (+86 138 2600 1201) is the same 11 digits the card holds."""
    phone = "".join(unicodedata.normalize("NFKC", phone or "").split())
    mobile = SPOKEN_MOBILE.match(phone)
    return "".join(mobile.groups()) if mobile else phone


def phone_is_valid(phone):
    phone = normalized_phone(phone)
    return bool(MOBILE_PATTERN.match(phone) or LANDLINE_PATTERN.match(phone))


def validate_phone(phone):
    if not phone_is_valid(phone):
        raise ValidationError(
            "电话号码格式不正确：应为 11 位手机号（如 13812345678）或带区号的固话（如 0755-83001234）。",
            code="invalid_phone",
        )


def with_check_digit(first_17_digits):
    """Complete a 17-digit identity number with its check character (for demo and test data)."""
    total = sum(
        int(digit) * weight for digit, weight in zip(first_17_digits, ID_WEIGHTS, strict=True)
    )
    return first_17_digits + ID_CHECK_CHARS[total % 11]
