"""Search benchmark, run by hand: 50,000 reply scripts on Elasticsearch vs Wagtail's database backend.

    .venv/bin/python bench/search_bench.py [--scripts 50000] [--queries 1000] [--db-queries 30]
        [--db-warm-up 3] [--relevance] [--start-up] [--rebuild-corpus] [--port 8001]

The corpus (the caller relevance set's scripts, the demo scripts and generated ones) lives in
its own SQLite file under var/bench/, with Wagtail's database index already built; it is kept
between runs and reused while the generator, the script count and the migrations are the same
(``--rebuild-corpus`` builds it again). The database backend's indexing rate is the one measured
when the file was built. Each run builds a fresh Elasticsearch index under its own prefix (removed
at the end), times our search through the HTTP API (/api/search with a token, served by
gunicorn) and Wagtail's database backend by calling it directly on the same rows (no HTTP cost
for the peer) on the same queries, prints a table and writes var/bench/search_bench.json and
.xlsx (with a chart).
"""

import argparse
import hashlib
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT_DIR = ROOT / "var" / "bench"
# The server's own log: an error answer from the API is explained there.
SERVER_LOG = OUT_DIR / "search_gunicorn.log"
# Raised whenever decoy_scripts() or build_corpus() changes what they make.
GENERATOR_VERSION = 4


def _scripts_argument():
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--scripts", type=int, default=50_000)
    return parser.parse_known_args()[0].scripts


def corpus_file(scripts):
    """The corpus file for this generator, script count and schema: a file built by an older
    generator or before a migration is never reused."""
    apps = [path for path in ROOT.iterdir() if path.is_dir() and path.name[0] not in "._"]
    migrations = sorted(
        str(path.relative_to(ROOT))
        for app in apps
        if app.name != "var"
        for path in app.glob("**/migrations/0*.py")
    )
    versions = [version(name) for name in ("django", "wagtail")]
    key = hashlib.sha1(
        json.dumps([GENERATOR_VERSION, scripts, migrations, versions]).encode()
    ).hexdigest()[:10]
    return OUT_DIR / f"search-corpus-{scripts}-{key}.sqlite3"


DB_FILE = corpus_file(_scripts_argument())
# Written last when the corpus is built: its presence says the file is complete.
CORPUS_NOTE = DB_FILE.with_suffix(".json")
os.environ["DATABASE_URL"] = f"sqlite:///{DB_FILE}"
os.environ["ELASTICSEARCH_INDEX_PREFIX"] = f"bench-search-{uuid.uuid4().hex[:6]}"
# API keys are stored as digests keyed by SECRET_KEY: the server must share this process's.
os.environ["SECRET_KEY"] = uuid.uuid4().hex
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402
from openpyxl import Workbook  # noqa: E402
from openpyxl.chart import BarChart, Reference  # noqa: E402
from tqdm import tqdm  # noqa: E402
from wagtail.search.backends import get_search_backend  # noqa: E402

from cms.replies.actions import topic_from_path  # noqa: E402
from cms.replies.demo import demo_script  # noqa: E402
from cms.replies.demo_data import SCRIPTS, SYNONYMS, TOPICS  # noqa: E402
from cms.replies.models import ReplyScript  # noqa: E402
from search.analysis import warm_up  # noqa: E402
from search.evaluation import Scores, load_queries, load_scripts  # noqa: E402
from search.indexing import alias_name, reindex  # noqa: E402
from search.indices import get_client  # noqa: E402
from search.models import SynonymGroup  # noqa: E402
from search.registry import get_kind  # noqa: E402

PLACES = [
    "翠湖花园",
    "锦绣江南",
    "海景湾",
    "枫林苑",
    "金域华庭",
    "南山名苑",
    "东方明珠城",
    "碧桂园",
    "万科城",
    "星河湾",
    "龙湖天街",
    "保利香槟",
    "绿城桂花园",
    "华润悦府",
]
FACILITIES = [
    "游泳池",
    "健身房",
    "会所",
    "儿童乐园",
    "地下车库",
    "快递柜",
    "垃圾分类点",
    "绿化带",
    "水电表",
    "中央空调",
    "宽带网络",
    "有线电视",
    "信报箱",
    "自行车棚",
    "篮球场",
    "景观水池",
    "路灯",
    "监控探头",
    "单元门",
    "楼顶天台",
    "化粪池",
    "二次供水水箱",
    "排水沟",
    "消防栓",
    "入户门锁",
    "对讲门铃",
    "公共卫生间",
    "社区食堂",
    "共享充电桩",
    "业主活动室",
]
PROBLEMS = [
    "开放时间",
    "收费标准",
    "损坏报修",
    "预约使用",
    "清洁频次",
    "异味投诉",
    "安全隐患",
    "噪声影响",
    "使用规定",
    "维护保养",
    "费用分摊",
    "更换周期",
    "管理责任",
    "改造申请",
    "临时关闭",
    "夜间照明",
    "积水问题",
    "占用纠纷",
    "卫生检查",
    "故障停用",
]
ASKS = [
    "怎么办",
    "如何处理",
    "怎么回复",
    "谁负责",
    "需要什么手续",
    "多久能解决",
    "收费吗",
    "可以吗",
]
ANSWER_PARTS = [
    "服务中心已登记您的反映",
    "我们会在一个工作日内安排人员查看",
    "具体以公示栏的通知为准",
    "如需预约请联系前台",
    "维修完成后会电话告知您",
    "相关费用按公示标准收取",
    "请您注意安全",
    "我们会加强日常巡查",
    "必要时会联系相关部门协助",
    "感谢您的理解和配合",
    "处理进度可随时来电查询",
    "涉及共用设施的由服务中心负责维护",
    "属于业主自用部分的由业主自行维修",
]


def decoy_scripts(count, seed=7):
    """Other plausible scripts, each a different estate x facility x problem x question (67,200
    in all), so the real ones are found among many distinct scripts."""
    rng = random.Random(seed)
    combos = [(p, f, q, a) for p in PLACES for f in FACILITIES for q in PROBLEMS for a in ASKS]
    if count > len(combos):
        raise SystemExit(f"生成器最多生成 {len(combos)} 条不同的口径，少于所需的 {count} 条")
    rng.shuffle(combos)
    for place, facility, problem, ask in combos[:count]:
        answer = "，".join(rng.sample(ANSWER_PARTS, 3)) + "。"
        yield f"{place}{facility}{problem}{ask}", answer, f"{facility} {problem}"


def corpus(total, rebuild=False):
    """The corpus file, built (with Wagtail's database index) unless a complete one is there.
    Returns the database backend's indexing rate and when it was measured."""
    if rebuild or not CORPUS_NOTE.exists():
        for old in OUT_DIR.glob("search-corpus-*"):
            old.unlink()
        build_corpus(total)
        note = {
            "database_index_docs_per_s": index_database(total),
            "built": time.strftime("%F %R UTC", time.gmtime()),
        }
        CORPUS_NOTE.write_text(json.dumps(note))
    return json.loads(CORPUS_NOTE.read_text())


def build_corpus(total):
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    # Write-ahead logging, as a SQLite site under load should run: every API request records
    # its token's use, and a rollback journal would make each of those writes wait on the disk.
    with sqlite3.connect(DB_FILE) as database:
        database.execute("PRAGMA journal_mode=WAL")
    call_command("migrate", verbosity=0)
    parents = {child: parent for parent, children in TOPICS.items() for child in children}
    topics = {child: topic_from_path(f"{parents[child]}/{child}") for child in parents}
    now, rng = timezone.now(), random.Random(11)
    rows = [
        demo_script(entry, topics[entry[0]], live=True, last_published_at=now) for entry in SCRIPTS
    ]
    taken = {row.question for row in rows}
    for script in load_scripts():
        if script.question not in taken:
            rows.append(
                ReplyScript(
                    question=script.question,
                    answer=f"<p>{script.answer}</p>",
                    topic=topic_from_path(script.topic),
                    keywords=script.keywords,
                    live=True,
                    last_published_at=now,
                )
            )
    topic_list = list(topics.values())
    for question, answer, keywords in decoy_scripts(total - len(rows)):
        rows.append(
            ReplyScript(
                question=question,
                answer=f"<p>{answer}</p>",
                keywords=keywords,
                topic=rng.choice(topic_list),
                live=True,
                last_published_at=now,
            )
        )
    assert len({row.question for row in rows}) == len(rows) == total, "口径数量或去重不符"
    ReplyScript.objects.bulk_create(rows, batch_size=2000)
    for terms, note in SYNONYMS:
        SynonymGroup.objects.create(terms=terms, note=note)


class TimedBar:
    """A progress bar that also notes when the first and last documents were written."""

    def __init__(self, bar):
        self.bar, self.first, self.last = bar, None, None

    def update(self, count):
        self.last = time.perf_counter()
        self.first = self.first or self.last
        self.bar.update(count)


def index_elasticsearch(total):
    """Scripts per second for the whole rebuild (creating the index and swapping the alias
    included) and for the stream of documents alone (from the first written to the last)."""
    kind = get_kind("reply")
    # Dictionaries load once per process (seconds); the rate is that of the indexing itself.
    warm_up()
    started = time.perf_counter()
    with tqdm(total=total, desc="Elasticsearch 索引", unit="条") as bar:
        timed = TimedBar(bar)
        _index, written = reindex(kind, progress=timed)
    return {
        "index_docs_per_s": written / (time.perf_counter() - started),
        "bulk_docs_per_s": written / (timed.last - timed.first),
    }


def index_database(total):
    backend = get_search_backend()
    index = backend.get_index_for_model(ReplyScript)
    started = time.perf_counter()
    queryset = ReplyScript.objects.order_by("pk")
    with tqdm(total=total, desc="数据库后端索引", unit="条") as bar:
        for start in range(0, total, 1000):
            chunk = list(queryset[start : start + 1000])
            index.add_items(ReplyScript, chunk)
            bar.update(len(chunk))
    return total / (time.perf_counter() - started)


def query_list(count):
    """The caller set's queries, repeated to ``count`` in a fixed shuffled order."""
    pool = [query.text for query in load_queries()]
    random.Random(3).shuffle(pool)
    return [pool[i % len(pool)] for i in range(count)]


def api_ranking(base_url, token):
    """Our search through the HTTP API, as a call-centre tool would use it."""

    def titles(text):
        request = urllib.request.Request(
            f"{base_url}/api/search?" + urllib.parse.urlencode({"kind": "reply", "q": text}),
            headers={"Authorization": f"Bearer {token}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return [hit["title"] for hit in json.load(response)["hits"]]
        except urllib.error.HTTPError as error:
            raise SystemExit(
                f"检索接口返回 HTTP {error.code}（{text}），服务器日志：\n{server_log_tail()}"
            ) from error

    return titles


def database_ranking():
    backend = get_search_backend()
    queryset = ReplyScript.objects.filter(live=True)

    def titles(text):
        return [script.question for script in backend.search(text, queryset)[:10]]

    return titles


def relevance(titles_for):
    """MRR@10 and recall@5 of the caller set on the whole 50,000-script corpus."""
    question_of = {script.number: script.question for script in load_scripts()}
    scores = Scores()
    for query in load_queries():
        ranked = titles_for(query.text)
        numbers = {title: number for number, title in question_of.items()}
        scores.add(query, [numbers.get(title, 0) for title in ranked])
    return {
        "mrr_at_10": scores.mrr_at_10,
        "recall_at_5": scores.recall_at_5,
        "zero_hit_rate": scores.zero_rate,
    }


def latencies(titles_for, queries, label, warm_up):
    """p50 and p95 over the queries after ``warm_up`` untimed ones (connections, caches, the
    node's file cache), and the timings themselves in query order."""
    for query in queries[:warm_up]:
        titles_for(query)
    timings = []
    for query in tqdm(queries, desc=label, unit="次"):
        started = time.perf_counter()
        titles_for(query)
        timings.append((time.perf_counter() - started) * 1000)
    return {**percentiles(timings), "timed_queries": len(timings), "warm_up": warm_up}, timings


def percentiles(timings):
    ordered = sorted(timings)
    return {
        "p50_ms": statistics.median(ordered),
        "p95_ms": ordered[max(0, round(len(ordered) * 0.95) - 1)],
    }


def api_token():
    from django.contrib.auth import get_user_model

    from api.tokens import create_token

    user, _ = get_user_model().objects.get_or_create(username="bench", defaults={"is_staff": True})
    return create_token(user, "检索评测", ["scripts:read"], 1)[1]


# Django's bare WSGI application, without the product's start-up warm-up: the peer for the
# first query after a server starts.
COLD_APPLICATION = "django.core.wsgi:get_wsgi_application()"


def start_server(port, application="cms.wsgi", workers=2):
    """gunicorn with the benchmark's database and index prefix; returns the process once it
    answers /healthz."""
    SERVER_LOG.parent.mkdir(parents=True, exist_ok=True)
    log = SERVER_LOG.open("a")
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            application,
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DEBUG": "0",
            # One token asks far more often than a caller may; the limiter's count still runs.
            "API_RATE_LIMIT_PER_MINUTE": "1000000",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
        },
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    return server


def stop_server(server):
    server.terminate()
    server.wait(timeout=30)


def first_query_ms(port, token, application):
    """The first search a freshly started one-worker server answers, and the next ones."""
    server = start_server(port, application, workers=1)
    try:
        titles_for = api_ranking(f"http://127.0.0.1:{port}", token)
        timings = []
        for text in ("隔壁小孩每天晚上跑来跑去咚咚响烦死了", "电梯坏了", "停车费怎么交", "漏水"):
            started = time.perf_counter()
            titles_for(text)
            timings.append((time.perf_counter() - started) * 1000)
    finally:
        stop_server(server)
    return {"first_query_ms": timings[0], "next_queries_ms": statistics.median(timings[1:])}


def server_log_tail(lines=30):
    return "\n".join(SERVER_LOG.read_text(errors="replace").splitlines()[-lines:])


def save_results(results):
    out_dir = OUT_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "search_bench.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "检索基准"
    sheet.append(["指标", "Elasticsearch（本系统）", "Wagtail 数据库后端"])
    for key, label in [
        ("index_docs_per_s", "索引速度（条/秒）"),
        ("p50_ms", "查询 p50（毫秒）"),
        ("p95_ms", "查询 p95（毫秒）"),
        ("mrr_at_10", "MRR@10"),
        ("recall_at_5", "recall@5"),
        ("zero_hit_rate", "零命中率"),
    ]:
        if key in results["database"]:
            es, db = results["elasticsearch"][key], results["database"][key]
            sheet.append([label, round(es, 3), round(db, 3)])
    chart = BarChart()
    chart.title = "查询延迟（毫秒）"
    chart.add_data(
        Reference(sheet, min_col=2, max_col=3, min_row=1, max_row=1).worksheet
        and Reference(sheet, min_col=2, max_col=3, min_row=3, max_row=4),
        titles_from_data=False,
    )
    chart.set_categories(Reference(sheet, min_col=1, min_row=3, max_row=4))
    sheet.add_chart(chart, "E2")
    workbook.save(out_dir / "search_bench.xlsx")
    return out_dir


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scripts", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=1000, help="timed through our HTTP API")
    parser.add_argument("--warm-up", type=int, default=50, help="untimed queries before ours")
    parser.add_argument("--db-queries", type=int, default=30, help="timed on the database backend")
    parser.add_argument("--db-warm-up", type=int, default=3)
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument(
        "--relevance", action="store_true", help="the caller set on the whole corpus, both engines"
    )
    parser.add_argument(
        "--start-up", action="store_true", help="also time the first query of a fresh server"
    )
    parser.add_argument("--rebuild-corpus", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    client, server = get_client(), None
    try:
        note = corpus(args.scripts, rebuild=args.rebuild_corpus)
        results = {
            "scripts": args.scripts,
            "elasticsearch": index_elasticsearch(args.scripts),
            "database": {"index_docs_per_s": note["database_index_docs_per_s"]},
            "corpus_built": note["built"],
        }
        SERVER_LOG.unlink(missing_ok=True)
        token = api_token()
        if args.start_up:
            results["start_up"] = {
                "warmed": first_query_ms(args.port, token, "cms.wsgi"),
                "cold": first_query_ms(args.port, token, COLD_APPLICATION),
            }
        server = start_server(args.port)
        queries = query_list(args.queries)
        ours = api_ranking(f"http://127.0.0.1:{args.port}", token)
        figures, timings = latencies(ours, queries, "本系统 HTTP 查询", args.warm_up)
        results["elasticsearch"].update(figures)
        # The database backend is far slower: it gets the first of the same queries.
        shared = queries[: args.db_queries]
        figures, _ = latencies(database_ranking(), shared, "数据库后端查询", args.db_warm_up)
        results["database"].update(figures)
        results["elasticsearch"]["same_queries"] = percentiles(timings[: len(shared)])
        if args.relevance:
            for name, titles_for in (("elasticsearch", ours), ("database", database_ranking())):
                results[name].update(relevance(titles_for))
    finally:
        if server is not None:
            stop_server(server)
        for name in client.options(ignore_status=404).indices.get(
            index=f"{alias_name(get_kind('reply'))}-*"
        ):
            client.indices.delete(index=name)
    results["seconds"] = time.perf_counter() - started
    report(results, save_results(results))


def report(results, out_dir):
    es, db = results["elasticsearch"], results["database"]
    print(
        f"\n{time.strftime('%F %R UTC', time.gmtime())}，{os.uname().nodename}，{os.cpu_count()} 核，负载 {load()}"
    )
    print(
        f"{results['scripts']} 条口径；本系统 {es['timed_queries']} 次查询（先热身 {es['warm_up']} 次），"
        f"数据库后端 {db['timed_queries']} 次（先热身 {db['warm_up']} 次），同一批查询；"
        f"共 {results['seconds']:.0f} 秒（结果另存于 {out_dir}）"
    )
    print(
        f"Elasticsearch 索引：{es['index_docs_per_s']:.0f} 条/秒（建索引到切换别名），"
        f"批量写入 {es['bulk_docs_per_s']:.0f} 条/秒"
    )
    print(
        f"数据库后端索引：{db['index_docs_per_s']:.0f} 条/秒（语料建于 {results['corpus_built']}）"
    )
    same = es["same_queries"]
    print(
        f"本系统（HTTP）：p50 {es['p50_ms']:.1f} ms，p95 {es['p95_ms']:.1f} ms；"
        f"其中与数据库后端相同的 {db['timed_queries']} 次：p50 {same['p50_ms']:.1f}，p95 {same['p95_ms']:.1f} ms"
    )
    print(f"数据库后端（直接调用）：p50 {db['p50_ms']:.1f} ms，p95 {db['p95_ms']:.1f} ms")
    print(
        f"p95 快 {db['p95_ms'] / es['p95_ms']:.1f} 倍（同一批查询：{db['p95_ms'] / same['p95_ms']:.1f} 倍）"
    )
    if "mrr_at_10" in es:
        for name, label in (("elasticsearch", "本系统"), ("database", "数据库后端")):
            scores = results[name]
            print(
                f"{label}相关性（全语料）：MRR@10 {scores['mrr_at_10']:.3f}，"
                f"recall@5 {scores['recall_at_5']:.3f}，零命中 {scores['zero_hit_rate']:.1%}"
            )
    for name, label in (("warmed", "cms.wsgi（启动时预热词典）"), ("cold", "未预热的 Django 应用")):
        if name in results.get("start_up", {}):
            start_up = results["start_up"][name]
            print(
                f"{label}：启动后第一次检索 {start_up['first_query_ms']:.0f} ms，"
                f"其后 {start_up['next_queries_ms']:.0f} ms"
            )


def load():
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


if __name__ == "__main__":
    main()
