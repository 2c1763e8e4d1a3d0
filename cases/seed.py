"""Seed data shared by the data migrations and the tests: topics and the 2026 calendar."""

TOPICS = [
    "宠物",
    "乱摆放",
    "违章搭建",
    "噪音",
    "捡垃圾",
    "高空抛物",
    "维修",
    "清洁",
    "安全",
    "收费",
    "装修",
    "服务态度",
    "其他",
]

# Official holiday schedule for 2026 (State Council notice of 4 November 2025):
# (first day off, last day off, holiday name, [weekend days worked instead]).
HOLIDAYS_2026 = [
    ("2026-01-01", "2026-01-03", "元旦", ["2026-01-04"]),
    ("2026-02-15", "2026-02-23", "春节", ["2026-02-14", "2026-02-28"]),
    ("2026-04-04", "2026-04-06", "清明节", []),
    ("2026-05-01", "2026-05-05", "劳动节", ["2026-05-09"]),
    ("2026-06-19", "2026-06-21", "端午节", []),
    ("2026-09-25", "2026-09-27", "中秋节", []),
    ("2026-10-01", "2026-10-07", "国庆节", ["2026-09-20", "2026-10-10"]),
]


def calendar_days(holidays=HOLIDAYS_2026):
    """(date, is_working_day, name) for every listed day off and 调休 working day."""
    import datetime as dt

    for first, last, name, working in holidays:
        day = dt.date.fromisoformat(first)
        while day <= dt.date.fromisoformat(last):
            yield day, False, name
            day += dt.timedelta(days=1)
        for worked in working:
            yield dt.date.fromisoformat(worked), True, f"{name}调休上班"
