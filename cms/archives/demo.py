"""Demo archives: one estate, two buildings, a dozen households with owner cards.

Names, employers and notes are invented for the demo.
"""

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from cms.archives import actions
from cms.archives.models import (
    Building,
    ContactLog,
    Estate,
    FamilyMember,
    HouseholdArchive,
    ImportantCustomerClass,
    Owner,
    Tenant,
)
from cms.archives.roles import ensure_archive_root
from cms.archives.validators import with_check_digit

ESTATE = ("桂语江南", "江岸路 88 号")
BUTLER_GROUP = "1栋片区管家"

# building, unit, floor, room, area, owner, gender, born, phone, occupation, employer
HOUSEHOLDS = [
    (
        "1栋",
        "1",
        2,
        "201",
        "89.30",
        "何嘉欣",
        "female",
        1986,
        "13826001201",
        "教师",
        "江岸实验小学",
    ),
    (
        "1栋",
        "1",
        3,
        "301",
        "89.30",
        "邓志豪",
        "male",
        1979,
        "13926001302",
        "工程师",
        "粤能电力设计院",
    ),
    ("1栋", "1", 12, "1201", "118.60", "梁晓婷", "female", 1990, "13726001403", "记者", "南城晚报"),
    (
        "1栋",
        "2",
        5,
        "502",
        "102.00",
        "冯国强",
        "male",
        1968,
        "13626001504",
        "个体经营",
        "国强五金店",
    ),
    (
        "1栋",
        "2",
        9,
        "902",
        "102.00",
        "苏雅琴",
        "female",
        1995,
        "15826001605",
        "设计师",
        "一木设计工作室",
    ),
    (
        "1栋",
        "2",
        15,
        "1502",
        "132.80",
        "罗振宇",
        "male",
        1982,
        "18926001706",
        "公务员",
        "江岸区住建局",
    ),
    (
        "2栋",
        "1",
        1,
        "101",
        "56.00",
        "彭记茶餐厅",
        "male",
        1975,
        "0755-86001807",
        "餐饮",
        "彭记茶餐厅",
    ),
    (
        "2栋",
        "1",
        6,
        "601",
        "95.40",
        "谢文静",
        "female",
        1988,
        "13526001908",
        "护士",
        "江岸人民医院",
    ),
    ("2栋", "1", 11, "1101", "95.40", "韩立军", "male", 1972, "13426002009", "退休", ""),
    ("2栋", "2", 4, "402", "120.10", "唐思远", "male", 1993, "17726002110", "程序员", "云帆科技"),
    (
        "2栋",
        "2",
        8,
        "802",
        "120.10",
        "曹美玲",
        "female",
        1984,
        "13326002211",
        "会计",
        "恒信会计师事务所",
    ),
    (
        "2栋",
        "2",
        18,
        "1802",
        "140.00",
        "许家豪",
        "male",
        1977,
        "13226002312",
        "律师",
        "明法律师事务所",
    ),
]


def demo_id(index, born, gender):
    sequence = f"{(index * 7) % 100:02d}{1 if gender == 'male' else 2}"
    return with_check_digit(f"440305{born}0{(index % 9) + 1}1{index % 9}{sequence}")


def load(groups, stdout):
    root = ensure_archive_root()
    if Estate.objects.filter(title=ESTATE[0]).exists():
        return
    estate = root.add_child(instance=Estate(title=ESTATE[0], slug="guiyu", address=ESTATE[1]))
    buildings = {
        name: estate.add_child(instance=Building(title=name, slug=f"b{name[0]}"))
        for name in ("1栋", "2栋")
    }
    butlers, _ = Group.objects.get_or_create(name=BUTLER_GROUP)
    buildings["1栋"].butler_groups.add(butlers)
    buildings["1栋"].save_revision().publish()

    archivist = get_user_model().objects.filter(groups=groups["archivist"]).first()
    staff = get_user_model().objects.filter(groups=groups["staff"]).first()
    today = timezone.localdate()
    for index, row in enumerate(HOUSEHOLDS):
        building, unit, floor, room, area, name, gender, born, phone, occupation, employer = row
        handover = date(2023, 6, 18) + timedelta(days=index * 3)
        move_in = today - timedelta(days=[20, 100, 200, 400, 800, 1000][index % 6])
        household = HouseholdArchive(
            unit=unit,
            floor=floor,
            room=room,
            floor_area=area,
            handover_date=handover,
            move_in_date=move_in,
            property_type="shop" if room == "101" else "residence",
            occupancy="rented" if index in (3, 6) else "owner",
            relationship=["friendly", "first_contact", "complaining"][index % 3],
            satisfaction=[5, 4, 3, 5][index % 4],
            care_plan="" if index % 4 in (0, 3) else "每月回访一次，关注电梯和噪音问题的处理进度",
            do_not_visit=index == 8,
            do_not_visit_reason="业主年事已高，要求有事电话联系" if index == 8 else "",
        )
        household.full_clean(exclude=["path", "depth"])
        buildings[building].add_child(instance=household)
        Owner.objects.create(
            household=household,
            name=name,
            gender=gender,
            id_number=demo_id(index, born, gender),
            phone=phone,
            birth_year=born,
            native_place=["广东梅州", "湖南衡阳", "江西赣州", "广西桂林"][index % 4],
            occupation=occupation,
            employer=employer,
            hobbies=["羽毛球", "书法", "钓鱼", "烘焙"][index % 4],
            owned_since=handover,
        )
        if index % 3 == 0:
            FamilyMember.objects.create(household=household, name=f"{name[0]}小宝", relation="子女")
        if index in (3, 6):
            Tenant.objects.create(
                household=household,
                kind="shop" if room == "101" else "resident",
                name="阿明便利店" if room == "101" else "林先生",
                phone="13012345678",
                lease_start=date(2025, 3, 1),
                lease_end=date(2027, 2, 28),
                agreement_signed=True,
            )
        if index in (2, 5):
            household.important_classes.add(
                ImportantCustomerClass.objects.get(code="government_media")
            )
        household.save_revision(user=archivist).publish(user=archivist)
        if staff is not None and index % 2 == 0 and not household.do_not_visit:
            actions.log_contact(
                household,
                staff,
                channel=ContactLog.Channel.VISIT,
                contacted_on=move_in + timedelta(days=5),
                summary="入住后首次拜访，介绍服务中心联系方式和报修流程",
                is_interview=True,
                need="希望加快小区门禁卡办理",
                measure="门禁卡当周内办好并送上门",
                done=True,
                satisfaction=5,
            )
    stdout.write(f"业户档案演示数据：{ESTATE[0]} 2 栋楼 {len(HOUSEHOLDS)} 户")
