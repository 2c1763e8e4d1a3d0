"""Demo cases of every kind, written for this product. Idempotent: loads once."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from cases import actions
from cases.models import Case, CaseTopic, DisputeParticipant

C, D, V = Case.Kind.COMPLAINT, Case.Kind.DISPUTE, Case.Kind.VIOLATION

# (kind, channel, days ago, topic, reporter, location, description, extra fields)
DEMO_CASES = [
    (
        C,
        "web",
        0,
        "维修",
        "业主“枫叶”",
        "业主论坛",
        "地下车库B区三盏照明灯不亮，晚上停车看不清",
        {},
    ),
    (C, "phone", 1, "噪音", "郑女士", "6栋2单元0801室", "楼下商铺空调外机夜里轰鸣，孩子睡不着", {}),
    (
        C,
        "visit",
        3,
        "服务态度",
        "吴先生",
        "服务中心前台",
        "前台接待时态度冷淡，问停车办理流程无人解释",
        {"root_cause": "people", "root_sub_cause": "服务态度"},
    ),
    (
        C,
        "letter",
        6,
        "收费",
        "冯先生",
        "2栋1单元1503室",
        "对今年公共能耗分摊金额有疑问，要求公示明细",
        {},
    ),
    (
        C,
        "email",
        9,
        "清洁",
        "陈女士",
        "4栋电梯厅",
        "电梯厅地面连续几天有饮料渍没人清理",
        {"root_cause": "method", "root_sub_cause": "服务标准"},
    ),
    (
        C,
        "phone",
        2,
        "安全",
        "褚先生",
        "南门岗",
        "南门夜间无人值守，外来人员随意进出",
        {"severity": "major"},
    ),
    (
        C,
        "forwarded",
        12,
        "维修",
        "卫女士",
        "7栋1单元0302室",
        "卫生间顶板渗水，疑为楼上防水层问题",
        {"complaint_class": "2"},
    ),
    (D, "visit", 4, "宠物", "蒋先生", "3栋1单元", "邻居家狗在楼道便溺且夜间吠叫，多次沟通无果", {}),
    (
        D,
        "phone",
        8,
        "高空抛物",
        "沈女士",
        "5栋东侧花园",
        "花园里多次发现从高处扔下的烟头和果皮",
        {},
    ),
    (
        V,
        "visit",
        5,
        "乱摆放",
        "巡查发现",
        "8栋2单元12层楼道",
        "楼道堆放旧家具和纸箱，堵塞消防通道",
        {"violation_kind": "fire"},
    ),
    (
        V,
        "visit",
        7,
        "违章搭建",
        "巡查发现",
        "1栋顶层露台",
        "顶层住户在露台加建阳光房",
        {"violation_kind": "decoration", "severity": "major"},
    ),
    (
        V,
        "phone",
        10,
        "装修",
        "韩先生",
        "9栋1单元0601室",
        "装修工人中午施工电钻噪音，违反装修管理规定",
        {"violation_kind": "decoration"},
    ),
]


def load(groups, stdout):
    if Case.objects.exists():
        return
    User = get_user_model()
    staff = User.objects.filter(username="kefu").first()
    supervisor = User.objects.filter(username="zhuguan").first() or staff
    manager = User.objects.filter(username="jingli").first() or staff
    now = timezone.now()
    created = []
    for kind, channel, days_ago, topic, reporter, location, description, extra in DEMO_CASES:
        case = actions.create_case(
            staff,
            kind=kind,
            channel=channel,
            received_at=now - dt.timedelta(days=days_ago, hours=2),
            topic=CaseTopic.objects.get(name=topic),
            reporter_name=reporter,
            location=location,
            description=description,
            **extra,
        )
        created.append(case)
    _handle(created, staff, supervisor, manager)
    stdout.write(f"演示案件 {len(created)} 件已载入")


def _handle(cases, staff, supervisor, manager):
    # Complaints past a working day need their handler named on purpose.
    _web, noise, attitude, fees, cleaning, gate, leak, dog, thrown, clutter, sunroom, drill = cases
    actions.start_handling(noise, staff, "已联系商铺负责人，约定今晚检查外机", handler=staff)
    actions.start_handling(attitude, supervisor, "已向吴先生致歉并重新讲解流程", handler=supervisor)
    actions.reply(attitude, supervisor, "前台员工已接受服务规范再培训，主管当面致歉")
    actions.start_handling(cleaning, staff, handler=staff)
    actions.reply(cleaning, staff, "调整保洁巡查频次为每两小时一次，地面已清洗")
    actions.record_visit(cleaning, staff, "phone", 5, quality="及时", effect="地面干净")
    actions.start_handling(fees, supervisor, "整理能耗分摊台账", handler=supervisor)
    actions.reply(fees, supervisor, "已在公告栏公示分摊明细，并电话解释计算方法")
    actions.exempt_from_visit(fees, supervisor, Case.VisitExemption.SATISFIED_ON_SPOT)
    actions.start_handling(gate, manager, "经理亲自跟进，夜班增派一名秩序维护员", handler=manager)
    actions.assign_handler(leak, staff, staff, "二类投诉，由客服专员跟进开发商答复")
    actions.transfer(leak, staff, "开发商客服部", "已发书面联系函")
    actions.start_handling(dog, staff)
    actions.add_dispute_party(
        dog, staff, name="蒋先生（3栋1单元0401室）", position="要求邻居拴绳、清理便溺"
    )
    actions.add_dispute_party(
        dog, staff, name="养犬住户（3栋1单元0402室）", position="同意夜间将狗关在室内"
    )
    committee = actions.add_participant(
        dog, staff, DisputeParticipant.Body.RESIDENTS, "林主任", "居委会主任"
    )
    owners = actions.add_participant(
        dog, staff, DisputeParticipant.Body.OWNERS, "杨委员", "业委会委员"
    )
    actions.record_meeting(
        dog, staff, "双方在服务中心会议室协商，约定文明养犬", [committee, owners]
    )
    actions.record_outcome(dog, staff, "养犬住户承诺出门牵绳并随手清理，一个月后回访")
    actions.start_handling(thrown, staff, "张贴三方温馨提示，调取花园监控")
    for _ in range(3):
        actions.add_warm_reminder(clutter, staff)
    actions.record_removed_item(clutter, staff, "旧三人沙发", "地下室物资仓库A-03")
    actions.record_removed_item(clutter, staff, "纸箱一捆", "地下室物资仓库A-03")
    actions.start_handling(sunroom, manager, "已拍照取证，会同业委会发出整改通知")
    actions.decide_measure(
        sunroom,
        manager,
        Case.Measure.RECTIFY,
        None,
        timezone.localdate() + dt.timedelta(days=15),
        "限期十五日内拆除",
    )
    actions.start_handling(drill, supervisor, "现场劝导，工人已停止施工")
