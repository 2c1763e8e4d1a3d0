"""The demo supervision checklist (客户服务督导检查标准), written for this product."""

from decimal import Decimal

SITE, RECORDS, STAFF = "site", "records", "staff"
PER_PROBLEM, PER_PERSON = "per_problem", "per_person"

CHECKLIST_NAME = "客户服务督导检查标准"

# (first-level indicator, points, [(second-level item, standard, method, rule, amount)])
INDICATORS = [
    (
        "行为规范",
        Decimal("10"),
        [
            ("仪容仪表", "按规定着工装、佩戴工牌；工装整洁无污渍，发型、指甲整齐得体。",
             STAFF, PER_PERSON, Decimal("0.3")),
            ("基础礼仪", "遇到业主和同事主动点头微笑问好；座岗人员接待来访时起身服务，"
             "递接物品用双手。", STAFF, PER_PERSON, Decimal("0.3")),
            ("电话礼仪", "来电三声内接起，先报单位和姓名；记下来电事项并向对方复述确认。",
             STAFF, PER_PERSON, Decimal("0.3")),
            ("沟通与倾听", "与业主交谈保持约一米距离，耐心听完再回应，不随意打断；"
             "答应的事在约定时间内反馈。", STAFF, PER_PERSON, Decimal("0.3")),
            ("作业现场", "在通道、楼梯等处作业时摆放提示标识，完工后现场清理干净。",
             SITE, PER_PROBLEM, Decimal("0.5")),
            ("上门服务", "入户前按门铃或轻敲三下并后退一步等候；入户穿鞋套，"
             "不翻看、不议论业主家中物品。", STAFF, PER_PERSON, Decimal("0.3")),
        ],
    ),
    (
        "装修服务",
        Decimal("14"),
        [
            ("装修管理职责", "装修管理有书面流程，明确受理、巡查、验收各环节的责任人。",
             RECORDS, PER_PROBLEM, Decimal("0.5")),
            ("户型装修要点", "按户型梳理阳台、外立面、承重结构等易违规部位，形成装修提示并在"
             "办理装修手续时逐条告知。", RECORDS, PER_PROBLEM, Decimal("0.5")),
            ("装修手续", "装修申请、承诺书、施工人员登记齐全；装修许可证在门口张贴。",
             RECORDS, PER_PROBLEM, Decimal("0.5")),
            ("装修巡查", "每户装修期间按频次巡查并留有记录；发现违规当日劝阻并跟进到整改完成。",
             SITE, PER_PROBLEM, Decimal("0.5")),
            ("装修验收", "完工后会同业主验收，验收记录有双方签字并归入业户档案。",
             RECORDS, PER_PROBLEM, Decimal("0.5")),
        ],
    ),
    (
        "房屋交付",
        Decimal("10"),
        [
            ("交付筹备", "交付前制定筹备计划，列明工作内容、责任人和完成时间，并定期召开"
             "筹备例会跟进。", RECORDS, PER_PROBLEM, Decimal("0.5")),
            ("交付现场", "交付现场动线清楚、秩序良好，资料和物资提前备齐。",
             SITE, PER_PROBLEM, Decimal("0.5")),
            ("交付资料签收", "业主签字确认收到交付通知、装修指引和收费标准等资料；"
             "他人代办须有经公证的委托书及双方证件复印件。", RECORDS, PER_PROBLEM,
             Decimal("0.5")),
            ("资料录入时效", "交付手续办完后一周内把业主资料录入系统。",
             RECORDS, PER_PROBLEM, Decimal("0.5")),
        ],
    ),
    (
        "客户档案",
        Decimal("10"),
        [
            ("档案齐全", "每户档案有交付通知书、业主资料卡、各类协议和交付验收记录，"
             "租户签有租户管理服务协议。", RECORDS, PER_PROBLEM, Decimal("0.5")),
            ("档案更新", "联系方式变更、业户更替在档案中有记录，原业主资料保留。",
             RECORDS, PER_PROBLEM, Decimal("0.5")),
            ("档案保密", "查阅档案经部门负责人批准并登记；未经授权不得查看或外传业主资料。",
             RECORDS, PER_PROBLEM, Decimal("0.5")),
            ("客户动态", "每次与业主接触都记入客户动态；新业主入住一周内完成首次拜访。",
             RECORDS, PER_PROBLEM, Decimal("0.5")),
        ],
    ),
    (
        "投诉处理",
        Decimal("10"),
        [
            ("受理与答复", "投诉一个工作日内给出答复，网络投诉四小时内回应；记录来源、内容和时间。",
             RECORDS, PER_PROBLEM, Decimal("0.5")),
            ("处理与回访", "一般投诉两日内处理完毕；处理结果验证后回访，记录业主意见。",
             RECORDS, PER_PROBLEM, Decimal("0.5")),
            ("回复口径", "员工对常见问题按统一口径答复，现场抽问能讲清要点。",
             STAFF, PER_PERSON, Decimal("0.3")),
        ],
    ),
]
