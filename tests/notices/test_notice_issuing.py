"""Issuing notices from cases: every kind opened with python-docx, numbers, freezing,
corrections, permissions, delivery and verification."""

import hashlib
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from notice_helpers import all_text, docx, form_rows

from cms.archives.models import AccessRecord
from doc_templates import actions
from doc_templates.kinds import NoticeKind
from doc_templates.models import FrozenRecord, Notice
from doc_templates.values import NoticeOptions

RECTIFY = NoticeOptions(
    basis="《翠湖花园管理规约》第十二条",
    action="拆除露台加建的彩钢板房，恢复原状",
    deadline_days=5,
    working_days=True,
    joint_with_owners_committee=True,
)


def paragraph_with(document, text):
    return next(p for p in document.paragraphs if text in p.text)


@pytest.mark.django_db
class TestRectificationNotice:
    def test_every_value_is_where_it_belongs_and_no_placeholder_is_left(
        self, violation_case, manager
    ):
        notice = actions.issue_notice(
            NoticeKind.RECTIFICATION, manager, case=violation_case, options=RECTIFY
        )
        document = docx(notice.read_bytes())
        text = all_text(document)

        assert "{{" not in text and "}}" not in text
        assert paragraph_with(document, "（").text == "张伟（翠湖花园 3栋 2单元 1201室）："
        assert "文号：" + notice.number in text
        assert notice.number == f"〔{notice.year}〕整改第1号"
        assert "在露台加建彩钢板房约12平方米" in paragraph_with(document, "巡查时发现").text
        assert "《翠湖花园管理规约》第十二条" in paragraph_with(document, "不符合").text
        order = paragraph_with(document, "完成以下整改")
        assert "5个工作日内" in order.text and "拆除露台加建的彩钢板房" in order.text
        due = paragraph_with(document, "整改期限：")
        bold_runs = [run.text for run in due.runs if run.bold]
        assert bold_runs == [notice.values["整改期限"]]
        assert "翠湖花园物业服务中心" in text and "业主委员会" in text
        assert notice.values["签发日期大写"] in text and "〇" in notice.values["签发日期大写"]
        assert document.sections[0].footer.paragraphs[0].text.endswith(notice.number)
        assert "送达回执" in text and "拒签记录" in text

    def test_the_issued_file_is_frozen_with_its_hash(self, violation_case, manager):
        notice = actions.issue_notice(
            NoticeKind.RECTIFICATION, manager, case=violation_case, options=RECTIFY
        )
        stored = notice.read_bytes()
        assert notice.sha256 == hashlib.sha256(stored).hexdigest()
        assert notice.file_is_intact()
        assert notice.issued_by == manager and notice.case == violation_case
        assert notice.template_version.version == 1

        notice.values = {"业户姓名": "别人"}
        with pytest.raises(FrozenRecord):
            notice.save()
        with pytest.raises(FrozenRecord):
            Notice.objects.filter(pk=notice.pk).update(number="X")
        with pytest.raises(FrozenRecord):
            notice.delete()
        assert Notice.objects.get(pk=notice.pk).read_bytes() == stored

    def test_a_correction_is_a_new_notice_that_supersedes_the_old_one(
        self, violation_case, manager
    ):
        old = actions.issue_notice(
            NoticeKind.RECTIFICATION, manager, case=violation_case, options=RECTIFY
        )
        old_bytes = old.read_bytes()
        corrected = NoticeOptions(**{**RECTIFY.__dict__, "deadline_days": 10})
        new = actions.correct_notice(old, manager, options=corrected, reason="整改期限有误")

        old.refresh_from_db()
        assert new.number != old.number and new.supersedes == old
        assert old.is_superseded and old.read_bytes() == old_bytes
        assert "10个工作日内" in all_text(docx(new.read_bytes()))
        with pytest.raises(ValidationError):
            actions.correct_notice(old, manager, options=corrected, reason="再改一次")
        steps = list(violation_case.timeline.values_list("action", "note"))
        assert (
            "签发整改通知书",
            f"文号 {new.number}，更正并取代 {old.number}（整改期限有误）",
        ) in steps

    def test_staff_without_the_issue_permission_are_refused(self, violation_case, staff):
        with pytest.raises(PermissionDenied):
            actions.issue_notice(NoticeKind.RECTIFICATION, staff, case=violation_case)
        assert not Notice.objects.exists()

    def test_preview_is_a_watermarked_draft_without_a_number(self, violation_case, staff):
        data = actions.preview_notice(
            NoticeKind.RECTIFICATION, staff, case=violation_case, options=RECTIFY
        )
        document = docx(data)
        marks = document.sections[0].header._element.xpath(".//*[local-name()='textpath'][@string]")
        assert [mark.get("string") for mark in marks] == ["草稿"]
        assert "（签发时生成）" in all_text(document)
        assert not Notice.objects.exists()

    def test_household_data_in_a_notice_is_registered_as_an_archive_reading(
        self, violation_case, manager, tree
    ):
        actions.issue_notice(NoticeKind.RECTIFICATION, manager, case=violation_case)
        record = AccessRecord.objects.get(household=tree["household"])
        assert record.via == "notice" and record.user == manager

    def test_issuing_is_shown_on_the_case_timeline(self, violation_case, manager):
        notice = actions.issue_notice(NoticeKind.RECTIFICATION, manager, case=violation_case)
        step = violation_case.timeline.last()
        assert (step.action, step.note, step.by) == (
            "签发整改通知书",
            f"文号 {notice.number}",
            manager,
        )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_concurrent_issues_get_unique_gap_free_numbers(violation_case, manager):
    def issue(_):
        try:
            return actions.issue_notice(
                NoticeKind.RECTIFICATION, manager, case=violation_case, options=RECTIFY
            ).number
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=20) as pool:
        numbers = list(pool.map(issue, range(20)))

    assert len(set(numbers)) == 20
    serials = sorted(int(re.fullmatch(r"〔\d{4}〕整改第(\d+)号", n).group(1)) for n in numbers)
    assert serials == list(range(1, 21))
    hashes = set(Notice.objects.values_list("sha256", flat=True))
    assert len(hashes) == 20


@pytest.mark.django_db
class TestTriPartyReminder:
    def test_three_signatories_have_identical_formatting(self, make_case, tree, manager):
        case = make_case(kind="dispute", topic="高空抛物", household=tree["household"])
        notice = actions.issue_notice(NoticeKind.TRI_PARTY, manager, case=case)
        document = docx(notice.read_bytes())

        table = document.tables[-1]
        cells = table.rows[0].cells
        assert [cell.text for cell in cells] == [
            "社区居民委员会",
            "业主委员会",
            "翠湖花园物业服务中心",
        ]
        formats = {
            (
                str(cell.paragraphs[0]._element.pPr.xml),
                tuple(str(run._element.rPr.xml) for run in cell.paragraphs[0].runs),
                cell.width,
            )
            for cell in cells
        }
        assert len(formats) == 1
        assert all(len(cell.paragraphs[0].runs) == 1 for cell in cells)
        text = all_text(document)
        assert "关于杜绝高空抛物的温馨提示" in text and "{{" not in text
        assert "尊敬的翠湖花园 3栋 2单元 1201室住户" in text

    @pytest.mark.parametrize(
        ("topic", "title"),
        [
            ("宠物", "关于文明饲养宠物的温馨提示"),
            ("噪音", "关于减少生活噪音的温馨提示"),
            ("其他", "温馨提示"),
        ],
    )
    def test_the_body_follows_the_case_topic(self, make_case, manager, topic, title):
        case = make_case(kind="dispute", topic=topic)
        notice = actions.issue_notice(NoticeKind.TRI_PARTY, manager, case=case)
        assert docx(notice.read_bytes()).paragraphs[0].text == title


@pytest.mark.django_db
def test_violation_ticket_shows_the_measure_amount_and_approver(make_case, tree, manager):
    case = make_case(household=tree["household"], measure="compensate", amount="1050.50")
    notice = actions.issue_notice(
        NoticeKind.VIOLATION_TICKET,
        manager,
        case=case,
        options=NoticeOptions(action="赔偿损坏的消防栓"),
    )
    document = docx(notice.read_bytes())
    rows = form_rows(document.tables[0])
    assert rows["处理措施"] == "赔偿损坏的消防栓"
    assert rows["金额"] == "1050.50元（大写：壹仟零伍拾元伍角整）"
    assert rows["审批人（签字）"] == "王立新"
    assert document.tables[0].rows[0].cells[1].text == "张伟"
    assert "{{" not in all_text(document)


@pytest.mark.django_db
def test_clutter_reminders_are_counted_first_to_third_on_the_case(make_case, tree, manager):
    case = make_case(
        kind="violation",
        topic="乱摆放",
        household=tree["household"],
        description="鞋柜和旧纸箱",
        location="12楼电梯厅",
    )
    titles = []
    for _ in range(3):
        notice = actions.issue_notice(NoticeKind.CLUTTER_REMINDER, manager, case=case)
        document = docx(notice.read_bytes())
        titles.append(document.paragraphs[0].text)
        assert "12楼电梯厅放有鞋柜和旧纸箱" in all_text(document)
    assert titles == ["温馨提示（第一次）", "温馨提示（第二次）", "温馨提示（第三次）"]
    assert "编号后存放" in all_text(document)
    assert case.reminders.count() == 3
    with pytest.raises(ValidationError):
        actions.issue_notice(NoticeKind.CLUTTER_REMINDER, manager, case=case)
    assert Notice.objects.filter(kind=NoticeKind.CLUTTER_REMINDER).count() == 3


@pytest.mark.django_db
class TestRecordForms:
    def test_complaint_record_carries_the_timeline(self, make_case, manager, staff):
        from cases.actions import add_timeline_step

        case = make_case(kind="complaint", topic="噪音", description="楼上夜间拖动家具")
        add_timeline_step(case, "上门协调", staff, "与1301业主沟通，同意加装桌椅脚垫")
        kind, data = actions.print_case_record(case, manager)
        document = docx(data)
        rows = form_rows(document.tables[0])
        assert kind == NoticeKind.COMPLAINT_RECORD
        assert document.paragraphs[0].text == "顾客投诉处理记录表"
        assert rows["投诉内容"] == "楼上夜间拖动家具"
        assert "受理（陈佳怡）" in rows["处理经过"]
        assert "上门协调（陈佳怡）：与1301业主沟通" in rows["处理经过"]
        assert document.tables[0].rows[0].cells[1].text == case.number
        assert "{{" not in all_text(document)

    def test_dispute_record_lists_committee_participants(self, make_case, manager, staff, tree):
        from cases.actions import add_dispute_party, add_participant

        case = make_case(kind="dispute", topic="宠物", description="邻居家犬只夜间吠叫")
        add_participant(case, staff, "owners", "赵敏", "业委会委员")
        add_dispute_party(case, staff, household=tree["neighbour"], position="希望夜间管好犬只")
        kind, data = actions.print_case_record(case, manager)
        document = docx(data)
        rows = form_rows(document.tables[0])
        assert kind == NoticeKind.DISPUTE_RECORD
        assert document.paragraphs[0].text == "邻里纠纷处理记录表"
        assert rows["参与单位"] == "业委会赵敏（业委会委员）"
        assert rows["纠纷情况"] == "邻居家犬只夜间吠叫"
        assert rows["当事人"] == "李娜（翠湖花园 3栋 2单元 1101室）"
        record = AccessRecord.objects.get(household=tree["neighbour"])
        assert (record.via, record.user) == ("notice", manager)


@pytest.mark.django_db
class TestVerification:
    def test_an_exact_copy_matches_its_notice(self, violation_case, manager):
        notice = actions.issue_notice(NoticeKind.RECTIFICATION, manager, case=violation_case)
        found, message = actions.verify_copy(notice.read_bytes())
        assert found == notice
        assert message.startswith("一致：") and notice.number in message and "王立新" in message

    def test_an_altered_copy_matches_nothing(self, violation_case, manager):
        notice = actions.issue_notice(NoticeKind.RECTIFICATION, manager, case=violation_case)
        document = docx(notice.read_bytes())
        document.paragraphs[2].runs[0].text = "李四"
        import io

        buffer = io.BytesIO()
        document.save(buffer)
        found, message = actions.verify_copy(buffer.getvalue())
        assert found is None and message.startswith("未找到匹配")

    def test_a_tampered_archive_copy_is_reported(self, violation_case, manager):
        notice = actions.issue_notice(NoticeKind.RECTIFICATION, manager, case=violation_case)
        original = notice.read_bytes()
        with open(notice.file.path, "ab") as stored:
            stored.write(b"tampered")
        found, message = actions.verify_copy(original)
        assert found == notice and "存档可能被改动" in message

    def test_a_file_that_is_no_word_document_is_named_as_such(self):
        found, message = actions.verify_copy(b"%PDF-1.7 not a docx")
        assert found is None and message.startswith("无法识别")

    def test_a_superseded_notice_is_flagged(self, violation_case, manager):
        old = actions.issue_notice(NoticeKind.RECTIFICATION, manager, case=violation_case)
        new = actions.correct_notice(old, manager, options=RECTIFY, reason="补充依据")
        found, message = actions.verify_copy(old.read_bytes())
        assert found == old and f"已被更正文书 {new.number} 取代" in message


@pytest.mark.django_db
class TestDelivery:
    def notice(self, case, manager):
        return actions.issue_notice(NoticeKind.RECTIFICATION, manager, case=case)

    def test_signed_receipt_needs_the_signer(self, violation_case, manager, staff):
        notice = self.notice(violation_case, manager)
        with pytest.raises(ValidationError):
            actions.record_delivery(notice, staff, "receipt")
        actions.record_delivery(notice, staff, "receipt", signer_name="张伟")
        step = violation_case.timeline.last()
        assert step.action == "整改通知书签收" and "签收人 张伟" in step.note

    def test_refusal_needs_photos_witnesses_and_their_organisation(
        self, violation_case, manager, staff
    ):
        notice = self.notice(violation_case, manager)
        with pytest.raises(ValidationError) as refused:
            actions.record_delivery(notice, staff, "refusal", witnesses="赵敏")
        assert "witness_organisation" in refused.value.message_dict
        with pytest.raises(ValidationError) as refused:
            actions.record_delivery(
                notice, staff, "refusal", witnesses="赵敏", witness_organisation="业委会"
            )
        assert "照片" in str(refused.value)
        photo = SimpleUploadedFile("refusal.jpg", b"\xff\xd8jpeg", content_type="image/jpeg")
        delivery = actions.record_delivery(
            notice,
            staff,
            "refusal",
            witnesses="赵敏",
            witness_organisation="业委会",
            photos=[photo],
        )
        assert delivery.photos.count() == 1
        assert "见证人 赵敏（业委会），照片 1 张" in violation_case.timeline.last().note

    def test_posting_needs_a_photo(self, violation_case, manager, staff):
        notice = self.notice(violation_case, manager)
        with pytest.raises(ValidationError):
            actions.record_delivery(notice, staff, "posting")
        photo = SimpleUploadedFile("door.jpg", b"\xff\xd8jpeg", content_type="image/jpeg")
        actions.record_delivery(notice, staff, "posting", photos=[photo])
        assert violation_case.timeline.last().action == "整改通知书张贴"
