"""Caller queries against the real node: every kind of query, the fallback tier, the lexicon,
mixed pinyin and what a search without hits answers."""

import re

import pytest

from search.analysis import analyse_query, analyse_text, lexicon_groups
from search.evaluation import SystemReader, load_scripts, loaded_set
from search.models import MissedQuery
from search.query import search


@pytest.fixture
def caller_set(db, role_groups, search_prefix):
    """The shipped evaluation scripts, approved and indexed; yields a search returning numbers."""
    with loaded_set() as rows:
        number_of = {str(row.pk): number for number, row in rows.items()}

        def ranked(text):
            return [number_of.get(hit["id"]) for hit in search(SystemReader(), text).hits]

        yield ranked


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("电梯困人", 49),  # exact
        ("鸽子", 32),  # partial, one word
        ("门卡丢失", 52),  # synonym
        ("隔壁小孩每天晚上跑来跑去咚咚响烦死了", 22),  # colloquial sentence
        ("電梯壞了被困", 49),  # Traditional
        ("ting che wei zu jin", 13),  # spaced pinyin
        ("gkpw", 76),  # initials
        ("快递gui满了", 118),  # pinyin inside Chinese
        ("高空抛无", 76),  # homophone typo
        ("停车埸临时停车收费", 143),  # near-shape typo
        ("12楼漏水到11楼", 45),  # numbers do not decide
    ],
)
def test_each_kind_of_caller_query_finds_its_script_first(caller_set, query, expected):
    assert caller_set(query)[0] == expected


def test_mixed_pinyin_reads_typed_syllables_with_the_characters_around_them(caller_set):
    assert caller_set("停车费jiaona")[0] in (12, 143)
    # 物业费 + 交: the payment-methods script, next to the one about tenants who do not pay.
    assert 2 in caller_set("物业fei怎么交")[:3]


def test_filler_and_emotion_never_make_a_query_fail(caller_set):
    plain = caller_set("电梯坏了")
    noisy = caller_set("真是的麻烦你们，电梯又坏了怎么回事，好几次了烦死了")
    assert noisy and noisy[0] == plain[0]


def test_asking_how_reorders_hits_but_never_finds_one_on_its_own(caller_set):
    # 怎么 + a verb asks for the way to do something; with no matter the scripts know, no hit.
    assert caller_set("火星探测器怎么发射") == []


def test_strict_matches_rank_above_the_looser_fallback(caller_set):
    # Both share 楼道 with many scripts; the one naming the whole matter comes first.
    assert caller_set("楼道灯不亮")[0] == 56
    # No script has every character pair of this sentence; the fallback still finds it.
    assert caller_set("楼道里的灯好久都不亮了")[0] == 56


def test_the_lexicon_maps_caller_words_and_says_so_on_the_hit(caller_set):
    assert len(lexicon_groups()) >= 150
    assert caller_set("物管费怎么交")[0] == 2
    hit = search(SystemReader(), "物管费怎么交").hits[0]
    assert "按 物管费 的同义词 物业费 匹配" in hit["synonyms"]


@pytest.mark.parametrize(
    "query", ["跟隔壁邻居吵架了你们能不能来调解", "楼上邻居跟我们吵了一架", "邻居跟我吵架"]
)
def test_a_quarrel_with_a_neighbour_is_a_dispute_not_noise(caller_set, query):
    # 吵架 is two households at odds: the mediation script, not the noise ones.
    assert caller_set(query)[0] == 102


def test_a_search_without_hits_suggests_topics_and_is_counted(caller_set):
    reader = SystemReader()
    first = search(reader, "火星探测器发射成功")
    assert first.hits == []
    topics = first.suggestions["topics"]
    assert topics and all(topic["scripts"] for topic in topics)
    search(reader, "火星探测器发射成功")
    assert MissedQuery.objects.get(query="火星探测器发射成功").count == 2


def test_the_missed_queries_report_is_for_managers(db, role_groups, manager, staff_user, client):
    MissedQuery.objects.create(query="电瓶车被偷充电器", count=7)
    client.force_login(staff_user)
    assert client.get("/admin/reports/missed-queries/").status_code in (302, 403)
    client.force_login(manager)
    page = client.get("/admin/reports/missed-queries/").content.decode()
    assert "未命中查询" in page and "电瓶车被偷充电器" in page and ">7<" in re.sub(r"\s+", "", page)


def test_the_missed_queries_export_opens_in_excel_with_beijing_times(db, manager, client):
    import datetime as dt
    from io import BytesIO
    from urllib.parse import quote

    from django.utils import timezone
    from openpyxl import load_workbook

    missed = MissedQuery.objects.create(query="电瓶车被偷充电器", count=7)
    seen = timezone.make_aware(dt.datetime(2026, 11, 30, 8, 15))
    MissedQuery.objects.filter(pk=missed.pk).update(first_seen=seen, last_seen=seen)
    client.force_login(manager)
    response = client.get("/admin/reports/missed-queries/?export=xlsx")
    assert response["Content-Disposition"].endswith(f"''{quote('未命中查询')}.xlsx")
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    assert sheet["A1"].value.startswith("未命中查询")
    shown = seen.replace(tzinfo=None)  # Beijing time, as on the screen
    assert [cell.value for cell in sheet[3]] == ["电瓶车被偷充电器", 7, shown, shown]


@pytest.mark.parametrize("query", ["狗叫", "邻居狗叫", "宠物噪音", "小狗吵"])
def test_dog_noise_in_any_words_finds_the_dog_noise_script(demo_scripts, staff_user, query):
    assert search(staff_user, query).hits[0]["title"] == "邻居家的狗经常叫影响休息怎么办"


def test_a_childs_running_about_finds_the_noise_script(demo_scripts, staff_user):
    hits = search(staff_user, "隔壁小孩每天晚上跑来跑去咚咚响烦死了").hits
    assert hits[0]["title"] == "楼上邻居晚上噪音太大怎么办"


def test_the_set_is_written_for_this_and_large_enough():
    from search.evaluation import load_queries

    queries, scripts = load_queries(), load_scripts()
    colloquial = [q for q in queries if q.kind == "colloquial"]
    assert len(queries) >= 300 and len(scripts) >= 150
    assert len(colloquial) / len(queries) >= 0.25
    assert all(10 <= len(q.text) <= 25 for q in colloquial)
    assert {q.part for q in queries} == {"dev", "test", "test2", "test3"}


def test_a_quarrel_with_the_neighbour_opposite_finds_mediation_not_the_dog_bite(caller_set):
    # 对门 and 邻居 are one concept said twice, and 怎么办 says what the caller wants done,
    # not what the matter is: neither may lift the dog-bite script (邻居, 怎么处理) above it.
    assert caller_set("和对门邻居吵起来了怎么办")[0] == 102


def test_two_words_of_one_synonym_group_are_one_concept():
    concepts = [concept.term for concept in analyse_query("对门邻居吵起来了").concepts]
    assert concepts == ["对门", "吵起来"]


def test_ways_of_asking_reorder_hits_but_never_find_one_on_their_own(caller_set):
    assert caller_set("火星探测器怎么办") == []
    assert caller_set("火星探测器管不管") == []


def test_lexicon_words_that_overlap_are_both_read(caller_set):
    # 乱停车位: taking 乱停车 whole would leave a lone 位 and lose the parking space.
    terms = [concept.term for concept in analyse_query("有人乱停车位被占了").concepts]
    assert "乱停车" in terms and "停车位" in terms
    assert caller_set("有人乱停车位被占了")[0] == 14


def test_how_long_it_has_lasted_is_set_aside_like_an_address(caller_set):
    query = analyse_query("电梯停运一个多礼拜了，被困了半个小时")
    assert "礼拜" not in query.core and "小时" not in query.core and "半个" not in query.core
    assert caller_set("电梯坏了我被关在里面半个多小时")[0] == 49


def test_what_callers_add_on_the_phone_is_set_aside_in_queries_only():
    assert analyse_query("小区里有几个人打起来了快来看看").core == "小区 人打起来"
    # Scripts keep their words: the index is not changed by what callers add.
    assert "里面" in analyse_text("被困在里面", ("bigrams",))["bigrams"].split()


@pytest.mark.parametrize(("letters", "expected"), [("wyf", {1, 2}), ("tcf", {12}), ("gkpw", {76})])
def test_initials_of_a_domain_word_find_its_scripts(caller_set, letters, expected):
    assert expected & set(caller_set(letters)[:5])


def test_initials_of_words_only_the_answer_says_still_find_the_script(caller_set):
    # 公示栏 is in the answer of the fee-standard script only, where initials are not indexed.
    assert 1 in caller_set("gsl")


def test_how_a_call_opens_and_runs_on_is_set_aside():
    query = analyse_query("喂喂听得到吗，说实话我就是想问问上个月的物业费")
    assert [concept.term for concept in query.concepts] == ["物业费"]


def test_a_particle_jieba_glues_to_a_word_is_taken_off():
    # 凶得很: jieba cuts 凶得, a word nobody says; the caller said 凶 (rude), a lexicon word.
    assert "凶" in [concept.term for concept in analyse_query("保安凶得很").concepts]


def test_naming_the_company_or_asking_whether_it_is_needed_never_finds_a_hit(caller_set):
    # The caller talks to the 物业 and asks 要不要: neither says what the matter is.
    assert caller_set("火星探测器物业") == []
    assert caller_set("火星探测器要不要") == []
    # So 你们物业 no longer lifts the service centre's phone script above the street lights.
    assert caller_set("物业能不能派人修一下路灯")[0] == 57


def test_a_clock_time_lifts_the_script_on_the_allowed_hours(caller_set):
    assert caller_set("楼上装修一大早就开始砸")[0] == 23


def test_everyday_words_of_callers_find_their_script(caller_set):
    assert caller_set("小强太多了")[0] == 39
    assert caller_set("邻居老找我麻烦")[0] == 102
    assert caller_set("垃圾堆好几天没人收")[0] == 35
    # Cockroaches and mosquitoes are both pests, not one word: the mosquito pond stays out.
    assert caller_set("蟑螂成灾") == [39]


@pytest.mark.parametrize("query", ["物业费", "1801室物业费", "wyf"])
def test_the_fee_named_alone_finds_the_fee_standard_not_a_rise_or_an_invoice(caller_set, query):
    # 收费标准 is tagged 物业费 and filed under 物业费; the rise and the invoice only say it.
    assert caller_set(query)[0] == 1


def test_a_misheard_word_finds_what_the_right_word_finds_with_its_synonyms():
    concepts = {concept.term: concept for concept in analyse_query("门进卡丢了").concepts}
    assert concepts["门禁卡"].heard and "门卡" in concepts["门禁卡"].alternatives
    # A word written right brings no homophones of its own.
    assert not any(concept.heard for concept in analyse_query("门禁卡丢了").concepts)


def test_a_misheard_fee_typed_alone_finds_the_fee_standard(caller_set):
    assert caller_set("物叶费")[0] == 1
