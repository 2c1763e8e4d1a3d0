"""Care lists (客户关怀名单) for a date range: birthdays, holidays, new owners to welcome,
warranties about to end and happy events from the contact log.

Ranges may cross month and year ends (28 Dec – 3 Jan); a 29 February birthday is
greeted on 28 February in other years.
"""

import calendar as month_calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.functions import Length, Substr
from wagtail.models import Page

from cases.models import CalendarDay
from cms.archives import policy as archive_policy
from cms.archives.masking import MASKED_NAME
from cms.archives.models import (
    ContactLog,
    HouseholdArchive,
    Owner,
    months_before,
)
from quality.messaging import salutation
from quality.models import Birthday, HouseholdCareInfo, Occasion, OutboxMessage

MAX_RANGE_DAYS = 366
WELCOME_WITHIN_DAYS = 7
HIDDEN_EVENT_NOTE = "联系记录中有喜事，经批准查阅档案后可见详情"
HAPPY_WORDS = ["结婚", "新婚", "生子", "添丁", "宝宝出生", "乔迁", "搬新家"]


@dataclass
class CareEntry:
    occasion: str
    on: date
    household_id: int | None
    who: str
    note: str = ""
    address: str = ""
    refused: bool = False
    day: str = ""
    # Whose occasion it is (业主, 子女 …) when ``who`` also names the person.
    role: str = ""

    @property
    def occasion_label(self):
        return Occasion(self.occasion).label

    def hide_private(self):
        """What a reader without a grant may see: address, occasion, date."""
        if self.role:
            self.who = f"{self.role}{MASKED_NAME}"
        if self.occasion == Occasion.HAPPY_EVENT:
            self.note = HIDDEN_EVENT_NOTE


def days_in(start, end):
    if end < start:
        raise ValidationError("结束日期不能早于开始日期。")
    if (end - start).days >= MAX_RANGE_DAYS:
        raise ValidationError("一次最多查询一年（366天）。")
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def birthday_dates(days):
    """(month, day) → the date in the range it is celebrated on."""
    dates = {(d.month, d.day): d for d in days}
    for d in days:
        if d.month == 2 and d.day == 28 and not month_calendar.isleap(d.year):
            dates.setdefault((2, 29), d)
    return dates


def _id_birthday(id_number):
    try:
        return int(id_number[10:12]), int(id_number[12:14])
    except ValueError:
        return None


def birthdays(households, days):
    dates = birthday_dates(days)
    entries = []
    # Digits 11–14 of a mainland number are the birthday (MMDD); matched in the database.
    owners = (
        Owner.objects.filter(
            household__in=households, is_current=True, id_type=Owner.IdType.MAINLAND
        )
        .annotate(month_day=Substr("id_number", 11, 4), id_length=Length("id_number"))
        .filter(id_length=18, month_day__in=[f"{m:02d}{d:02d}" for m, d in dates])
        .values_list("household_id", "name", "gender", "id_number")
    )
    for household_id, name, gender, id_number in owners:
        on = dates.get(_id_birthday(id_number))
        if on:
            who = salutation(Owner(name=name, gender=gender))
            entries.append(
                CareEntry(Occasion.BIRTHDAY, on, household_id, f"业主 {who}", role="业主")
            )
    months = {m for m, _ in dates}
    for row in Birthday.objects.filter(household__in=households, month__in=months):
        on = dates.get((row.month, row.day))
        if on:
            who = f"{row.relation} {row.name}"
            entries.append(
                CareEntry(Occasion.BIRTHDAY, on, row.household_id, who, role=row.relation)
            )
    return entries


def holidays(days):
    """Holiday blocks (from the working calendar) that touch the range, by first day off."""
    rows = CalendarDay.objects.filter(
        date__range=(days[0] - timedelta(days=15), days[-1] + timedelta(days=15)),
        is_working_day=False,
    ).order_by("date")
    blocks = []
    for row in rows:
        if blocks and blocks[-1][0] == row.name and (row.date - blocks[-1][2]).days == 1:
            blocks[-1][2] = row.date
        else:
            blocks.append([row.name, row.date, row.date])
    return [
        CareEntry(Occasion.HOLIDAY, first, None, name, f"放假{first:%m月%d日}至{last:%m月%d日}")
        for name, first, last in blocks
        if first <= days[-1] and last >= days[0]
    ]


def new_owners(households, days):
    """Owners who moved in up to a week before or during the range: welcome them
    within a week of moving in."""
    rows = households.filter(
        move_in_date__range=(days[0] - timedelta(days=WELCOME_WITHIN_DAYS), days[-1])
    ).values_list("pk", "move_in_date")
    welcomed = set(
        OutboxMessage.objects.filter(
            household__in=households, occasion=Occasion.WELCOME,
            status=OutboxMessage.Status.SENT,
        ).values_list("household_id", flat=True)
    )
    return [
        CareEntry(
            Occasion.WELCOME,
            moved + timedelta(days=WELCOME_WITHIN_DAYS),
            pk,
            "新业主",
            f"{moved:%Y-%m-%d}入住" + ("，已发送欢迎短信" if pk in welcomed else ""),
        )
        for pk, moved in rows
    ]


def warranties(households, days):
    """Warranties ending within a month of the range: remind the owner a month ahead."""
    last = months_before(days[-1], -1)
    rows = HouseholdCareInfo.objects.filter(
        household__in=households, warranty_ends_on__range=(days[0], last)
    ).values_list("household_id", "warranty_ends_on")
    return [
        CareEntry(
            Occasion.WARRANTY,
            max(months_before(ends, 1), days[0]),
            pk,
            "业主",
            f"保修期{ends:%Y-%m-%d}到期",
        )
        for pk, ends in rows
    ]


def happy_events(households, days):
    words = Q()
    for word in HAPPY_WORDS:
        words |= Q(summary__contains=word)
    rows = ContactLog.objects.filter(
        words, household__in=households, contacted_on__range=(days[0], days[-1])
    ).values_list("household_id", "contacted_on", "summary")
    return [
        CareEntry(Occasion.HAPPY_EVENT, on, pk, "业户", summary[:60]) for pk, on, summary in rows
    ]


def household_addresses(ids):
    """{household id: (address, refuses contact)} without building page objects."""
    rows = list(
        HouseholdArchive.objects.filter(pk__in=ids).values_list(
            "pk", "path", "unit", "room", "do_not_visit"
        )
    )
    steplen = HouseholdArchive.steplen
    titles = dict(
        Page.objects.filter(
            path__in={p[:-steplen] for _, p, *_ in rows} | {p[: -2 * steplen] for _, p, *_ in rows}
        ).values_list("path", "title")
    )
    addresses = {}
    for pk, path, unit, room, refused in rows:
        estate, building = titles.get(path[: -2 * steplen], ""), titles.get(path[:-steplen], "")
        unit_text = f"{unit}单元 " if unit else ""
        addresses[pk] = (f"{estate} {building} {unit_text}{room}室", refused)
    return addresses


def care_lists(households, start, end):
    """Every care list for [start, end], entries sorted by date, households attached."""
    days = days_in(start, end)
    households = households.filter(is_closed=False)
    lists = {
        Occasion.BIRTHDAY: birthdays(households, days),
        Occasion.HOLIDAY: holidays(days),
        Occasion.WELCOME: new_owners(households, days),
        Occasion.WARRANTY: warranties(households, days),
        Occasion.HAPPY_EVENT: happy_events(households, days),
    }
    ids = {e.household_id for entries in lists.values() for e in entries if e.household_id}
    addresses = household_addresses(ids)
    for entries in lists.values():
        for entry in entries:
            entry.address, entry.refused = addresses.get(entry.household_id, ("全体业户", False))
            entry.day = entry.on.isoformat()
        entries.sort(key=lambda e: (e.on, e.household_id or 0))
    return lists


def care_lists_for(user, start, end, request=None):
    """The care lists as ``user`` may see them. Households the user may read under the
    archive policy are shown in full and registered as read, once each; the others
    the user may list keep address, occasion and date, with names and notes hidden."""
    from quality import policy

    lists = care_lists(policy.care_households(user), start, end)
    ids = {e.household_id for entries in lists.values() for e in entries if e.household_id}
    readable = archive_policy.readable_households(user).filter(pk__in=ids).only("path")
    readable = list(readable)
    shown = {household.pk for household in readable}
    for entries in lists.values():
        for entry in entries:
            if entry.household_id and entry.household_id not in shown:
                entry.hide_private()
    if readable:
        archive_policy.record_accesses(user, readable, "care", request=request)
    return lists
