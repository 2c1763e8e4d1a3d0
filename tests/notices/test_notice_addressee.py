"""A 整改通知书 goes to the party who must rectify, chosen by the issuer, and reads
like an official notice: how the facts were learned, the deadline once, no doubled
words or stops."""

import pytest
from django.core.exceptions import ValidationError
from notice_helpers import all_text, docx

from doc_templates import actions
from doc_templates.kinds import NoticeKind
from doc_templates.models import Notice
from doc_templates.values import NoticeOptions

FORM = {
    "kind": "rectification",
    "facts": "",
    "basis": "",
    "action": "拆除露台彩钢板房，恢复原状",
    "deadline_days": "5",
    "working_days": "1",
    "consequence": "",
}


def issued_text(notice):
    return all_text(docx(notice.read_bytes()))


@pytest.mark.django_db
class TestTheIssuerChoosesTheAddressee:
    def test_a_complaint_notice_goes_to_the_offending_household_not_the_complainant(
        self, client, manager, noise_complaint, tree
    ):
        client.force_login(manager)
        response = client.post(
            f"/admin/notices/case/{noise_complaint.pk}/",
            {
                **FORM,
                "addressee_household": str(tree["household"].pk),
                "source": "complaint",
                "facts": "在露台加建彩钢板房，施工至晚上九点。",
                "issue": "1",
                "confirm": "1",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        notice = Notice.objects.get()
        text = issued_text(notice)
        assert "张伟（翠湖花园 3栋 2单元 1201室）：" in text
        assert "李娜" not in text and "1101" not in text
        assert notice.household == tree["household"]

    def test_a_complaint_notice_without_a_chosen_addressee_is_refused(
        self, client, manager, noise_complaint
    ):
        client.force_login(manager)
        page = client.post(
            f"/admin/notices/case/{noise_complaint.pk}/",
            {**FORM, "source": "complaint", "issue": "1", "confirm": "1"},
        ).content.decode()
        assert "请选择收件业户" in page
        assert not Notice.objects.exists()

    def test_a_complainants_own_words_never_reach_the_party_told_to_rectify(
        self, client, manager, noise_complaint, tree
    ):
        """The case text of a complaint is the caller's account, in the caller's words; a
        notice to the neighbour states the facts as the centre verified them."""
        client.force_login(manager)
        form = {**FORM, "addressee_household": str(tree["household"].pk), "source": "complaint"}
        for step in ({}, {"issue": "1"}, {"issue": "1", "confirm": "1"}):
            page = client.post(f"/admin/notices/case/{noise_complaint.pk}/", {**form, **step})
            assert page.status_code == 200
            assert "请写明核实后的违规事实" in page.content.decode()
        assert not Notice.objects.exists()
        with pytest.raises(ValidationError, match="请写明核实后的违规事实"):
            actions.issue_notice(
                NoticeKind.VIOLATION_TICKET,
                manager,
                case=noise_complaint,
                household=tree["household"],
                options=NoticeOptions(action="停止施工"),
            )

    def test_the_complainants_room_is_not_named_as_where_the_facts_were_verified(
        self, manager, make_case, tree
    ):
        """Staff write the caller's own room as the case's place (地点或房号); the notice
        to the neighbour says the facts were verified at the neighbour's, so the room
        never tells the neighbour who complained."""
        dispute = make_case(
            kind="dispute",
            topic="噪音",
            household=tree["neighbour"],
            channel="phone",
            reporter_name="李娜",
            description="楼上每天晚上十一点后跳绳，噪音很大。",
            location="3栋2单元1101室",
        )
        notice = actions.issue_notice(
            NoticeKind.RECTIFICATION,
            manager,
            case=dispute,
            household=tree["household"],
            options=NoticeOptions(
                facts="经夜间现场核实，贵户晚上十一点后仍有跳绳声响",
                action="晚上十点后停止跳绳",
                source="report",
            ),
        )
        text = issued_text(notice)
        assert "李娜" not in text and "1101" not in text
        assert "经工作人员到翠湖花园 3栋 2单元 1201室现场核实" in text

    def test_a_party_with_no_household_on_file_is_named_in_free_text(self, manager, make_case):
        case = make_case(description="小区东门外绿地被堆放建筑材料", location="东门绿地")
        notice = actions.issue_notice(
            NoticeKind.RECTIFICATION,
            manager,
            case=case,
            options=NoticeOptions(
                addressee="东门临时施工队负责人", action="清运建筑材料", source="patrol"
            ),
        )
        text = issued_text(notice)
        assert "东门临时施工队负责人：" in text
        assert "巡查岗" not in text.split("东门临时施工队负责人")[0]
        assert "巡查岗：" not in text and "巡查发现：" not in text

    def test_free_text_is_refused_when_a_household_is_chosen(self, manager, violation_case, tree):
        with pytest.raises(Exception, match="已选择收件业户"):
            actions.issue_notice(
                NoticeKind.RECTIFICATION,
                manager,
                case=violation_case,
                household=tree["household"],
                options=NoticeOptions(addressee="张伟家属", action="拆除"),
            )


@pytest.mark.django_db
class TestWording:
    @pytest.mark.parametrize(
        ("source", "expected", "absent"),
        [
            ("patrol", "巡查时发现", "接业户投诉"),
            ("complaint", "接业户投诉", "巡查"),
            ("report", "接报", "巡查"),
        ],
    )
    def test_the_facts_say_how_they_were_learned(
        self, manager, violation_case, source, expected, absent
    ):
        notice = actions.issue_notice(
            NoticeKind.RECTIFICATION,
            manager,
            case=violation_case,
            options=NoticeOptions(action="拆除彩钢板房", source=source),
        )
        facts = next(line for line in issued_text(notice).splitlines() if "彩钢板房约12" in line)
        assert expected in facts and absent not in facts

    def test_the_deadline_is_stated_once_and_nothing_is_doubled(self, manager, violation_case):
        notice = actions.issue_notice(
            NoticeKind.RECTIFICATION,
            manager,
            case=violation_case,
            options=NoticeOptions(
                facts="在露台加建彩钢板房约12平方米。", action="拆除彩钢板房。", deadline_days=5
            ),
        )
        text = issued_text(notice)
        due = notice.values["整改期限"]
        assert text.count(due) == 1
        for doubled in ("约定的规定", "规定的规定", "。。", "的的"):
            assert doubled not in text, doubled

    def test_a_source_is_guessed_from_the_case_and_shown_on_the_form(
        self, client, manager, noise_complaint, violation_case
    ):
        client.force_login(manager)
        page = client.get(f"/admin/notices/case/{noise_complaint.pk}/").content.decode()
        assert 'value="complaint" selected' in page.replace("\n", " ") or (
            'value="complaint" checked' in page
        )
        page = client.get(f"/admin/notices/case/{violation_case.pk}/").content.decode()
        assert 'value="patrol" selected' in page or 'value="patrol" checked' in page


@pytest.mark.django_db
def test_a_correction_keeps_the_kind_and_the_addressee(client, manager, noise_complaint, tree):
    old = actions.issue_notice(
        NoticeKind.RECTIFICATION,
        manager,
        case=noise_complaint,
        household=tree["household"],
        options=NoticeOptions(facts="在露台加建彩钢板房。", action="拆除彩钢板房", source="complaint"),
    )
    client.force_login(manager)
    page = client.get(f"/admin/notices/{old.pk}/correct/").content.decode()
    assert "disabled" in page.split('name="kind"')[1].split(">")[0]
    response = client.post(
        f"/admin/notices/{old.pk}/correct/",
        {
            "kind": "tri_party",
            "facts": "在露台加建彩钢板房。",
            "action": "拆除彩钢板房，恢复原状",
            "deadline_days": "10",
            "working_days": "1",
            "source": "complaint",
            "reason": "整改期限有误",
        },
    )
    new = Notice.objects.get(supersedes=old)
    assert response.status_code == 302
    assert new.kind == NoticeKind.RECTIFICATION and new.household == tree["household"]
    text = issued_text(new)
    assert "张伟（翠湖花园 3栋 2单元 1201室）：" in text and "10个工作日内" in text


@pytest.mark.django_db
def test_the_number_format_is_a_setting(manager, violation_case, settings):
    settings.NOTICE_NUMBER_FORMAT = "翠物{series}字〔{year}〕{serial:03d}号"
    notice = actions.issue_notice(
        NoticeKind.RECTIFICATION, manager, case=violation_case, options=NoticeOptions(action="拆除")
    )
    assert notice.number == f"翠物整改字〔{notice.year}〕001号"
    assert f"文号：{notice.number}" in issued_text(notice)
