"""Masking of identity numbers and phones, shown everywhere except the archive's own edit view."""

# What stands in a notice or a list instead of a name the reader may not see.
MASKED_NAME = "（姓名已隐去）"


def mask_id_number(value):
    """440301********1234 → keeps the first 3 and last 4 characters."""
    value = (value or "").strip()
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(value):
    """138****5678 / 075*-****1234: only the first 3 and last 4 digits stay visible."""
    value = (value or "").strip()
    digit_positions = [i for i, char in enumerate(value) if char.isdigit()]
    if len(digit_positions) <= 7:
        return "".join("*" if char.isdigit() else char for char in value)
    hidden = set(digit_positions[3:-4])
    return "".join("*" if i in hidden else char for i, char in enumerate(value))
