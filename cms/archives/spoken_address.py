"""A room as staff type it while a caller talks, read into the form the household chooser
has indexed (``HouseholdArchive.spoken_addresses``: 3栋1201, 3栋2单元1201室 …).

Callers say 三栋, 3号楼, 3幢 or 3座; staff write 3-1201 or 3-2-1201 for building, unit and
room, add 房 or 号 to a room, and a Chinese input method in full-width mode gives ３栋１２０１."""

import re
import unicodedata

DIGITS = dict(zip("零〇一二两三四五六七八九", "001223456789", strict=True))
CHINESE_NUMBER = re.compile(r"[零〇一二两三四五六七八九十]+(?=栋|号|幢|座|单元|室|房|$|\d)")
BUILDING_WORD = re.compile(r"(\d+)(?:号楼|号栋|幢|座)")
# 3-1201 (building, room) and 3-2-1201 (building, unit, room), at the end of what is typed.
DASHED_ROOM = re.compile(r"(\d+)-(\d+)(?:-(\d+))?$")
ROOM_WORD = re.compile(r"(\d+)(?:号房|房|号)$")


def as_indexed(said):
    """What staff typed, in the words the chooser's index holds."""
    said = "".join(unicodedata.normalize("NFKC", said or "").split())
    said = CHINESE_NUMBER.sub(lambda m: _in_digits(m.group()), said)
    said = BUILDING_WORD.sub(r"\1栋", said)
    said = DASHED_ROOM.sub(_dashed_room, said)
    return ROOM_WORD.sub(r"\1室", said)


def _in_digits(numeral):
    """三 → 3, 十二 → 12, 二十三 → 23; a room read digit by digit (一二零一) → 1201."""
    if "十" not in numeral:
        return "".join(DIGITS[c] for c in numeral)
    tens, _, ones = numeral.partition("十")
    return str(int(DIGITS.get(tens, "1") if tens else "1") * 10 + int(DIGITS.get(ones, "0") or 0))


def _dashed_room(match):
    building, second, third = match.groups()
    return f"{building}栋{second}单元{third}" if third else f"{building}栋{second}"
