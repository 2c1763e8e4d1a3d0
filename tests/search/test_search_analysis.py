"""Each Chinese analysis feature, end to end against the real node."""

from search.analysis import analyse_query, highlight, split_pinyin
from search.models import SynonymGroup
from search.query import search, suggest

ABOUT_THROWING = "有人从楼上高空抛物怎么办"


def titles(user, text, **kwargs):
    return [hit["title"] for hit in search(user, text, **kwargs).hits]


def first(user, text):
    found = titles(user, text)
    return found[0] if found else None


def test_simplified_and_traditional_queries_find_the_same_script(corpus, reader):
    assert first(reader, "高空抛物") == ABOUT_THROWING
    assert first(reader, "高空拋物") == ABOUT_THROWING
    assert first(reader, "裝修押金") == "装修押金什么时候退"


def test_partial_words_match_through_bigrams(corpus, reader):
    assert first(reader, "承重") == "邻居装修改动承重墙怎么处理"
    assert first(reader, "鸽") == "楼上邻居养鸽子影响卫生"


def test_full_pinyin_and_initials_find_the_chinese_text(corpus, reader):
    assert first(reader, "gaokongpaowu") == ABOUT_THROWING
    assert first(reader, "gkpw") == ABOUT_THROWING
    assert first(reader, "gaokongp") == ABOUT_THROWING
    assert split_pinyin("gaokongpaowu") == ["gao", "kong", "pao", "wu"]


def test_a_homophone_typo_still_finds_the_script(corpus, reader):
    assert first(reader, "高空抛无") == ABOUT_THROWING
    assert first(reader, "电梯困仁") == "电梯困人怎么办"


def test_a_phrase_finds_its_script_in_simplified_and_traditional_writing(corpus, reader):
    assert first(reader, "广场舞音乐") == "广场舞音乐太吵影响休息"
    assert first(reader, "廣場舞音樂") == "广场舞音乐太吵影响休息"


def test_synonyms_edited_by_admins_apply_to_the_next_search(corpus, reader):
    assert "业主要求提供物业费发票怎么办" not in titles(reader, "税票")
    SynonymGroup.objects.create(terms="发票、税票")
    hits = search(reader, "税票", kinds=["reply"]).hits
    assert hits[0]["title"] == "业主要求提供物业费发票怎么办"
    assert "按 税票 的同义词 发票 匹配" in hits[0]["synonyms"]


def test_the_demo_synonyms_map_resident_words(corpus, reader):
    assert first(reader, "住户拒交管理费") == "业主以服务不到位为由拒交物业费怎么回复"


def test_highlight_shows_the_original_characters():
    query = analyse_query("高空抛物")
    assert highlight("關於高空拋物的處理", query) == "關於<mark>高空拋物</mark>的處理"
    assert highlight("高空抛物<b>", query) == "<mark>高空抛物</mark>&lt;b&gt;"
    assert highlight("请勿高空抛物", analyse_query("gkpw")) == "请勿<mark>高空抛物</mark>"
    assert highlight("请勿高空抛物", analyse_query("高空抛无")) == "请勿<mark>高空抛物</mark>"


def test_hits_carry_highlighted_original_text_topic_and_approval_date(corpus, reader):
    hit = search(reader, "高空拋物").hits[0]
    assert hit["title_html"] == "有人从楼上<mark>高空抛物</mark>怎么办"
    assert hit["topic"] == "邻里纠纷 / 高空抛物"
    assert hit["approved_at"]
    assert hit["answer"].startswith("高空抛物危害他人安全")


def test_facets_count_topics_kinds_and_status_and_filter_hits(corpus, reader):
    result = search(reader, "装修")
    topics = {bucket["value"]: bucket["count"] for bucket in result.facets["topic"]}
    assert topics["装修管理 / 装修施工"] >= 2
    assert result.facets["kind"][0]["label"] == "回复口径"
    narrowed = search(reader, "装修", filters={"topic": "装修管理 / 装修申报"})
    assert narrowed.hits and all(h["topic"] == "装修管理 / 装修申报" for h in narrowed.hits)


def test_prefix_suggestions_in_chinese_pinyin_and_initials(corpus):
    assert "有人从楼上高空抛物怎么办" in suggest("有人从")
    assert "装修押金什么时候退" in suggest("zhuangxiuya")
    assert "电梯困人怎么办" in suggest("dtkr")
    assert suggest("電梯困") == suggest("电梯困") != []


ABOUT_LEAKS = "楼上漏水到我家怎么处理"


def test_water_coming_down_from_upstairs_finds_the_leak_script_not_the_neighbours(corpus, reader):
    # 楼上 also reads as 楼上邻居, a longer synonym that must not outweigh the word said.
    for said in ("楼上的水滴到我家了", "楼上的水漏到我家了", "楼上水滴下来了", "楼上滴水到我家"):
        assert first(reader, said) == ABOUT_LEAKS, said
    assert first(reader, "楼上鸽子") == "楼上邻居养鸽子影响卫生"
    assert first(reader, "楼上邻居太吵") == "楼上邻居晚上噪音太大怎么办"
