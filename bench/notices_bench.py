"""Notice rendering benchmark: this project's prepared-template filling versus docxtpl.

    .venv/bin/python bench/notices_bench.py [--runs 200] [--batch 1000]

This project's ``render`` (the template prepared once with python-docx, then only
values written per notice), the same python-docx filling done afresh for every notice
(``render_with_python_docx``, what ``render`` did before) and docxtpl all fill the
same bundled 整改通知书 template (doc_templates/docx/rectification.docx, whose ``{{ 名称 }}`` placeholders are also valid Jinja names) with the same values:
the median time for one notice, then a batch of N notices zipped in memory (wall
time, and peak Python memory from tracemalloc in a second pass). Results are printed and written
with a chart to var/bench/notices_bench.xlsx.
"""

import argparse
import io
import statistics
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docx import Document  # noqa: E402
from docxtpl import DocxTemplate  # noqa: E402

from doc_templates.build_templates import bundled_template_path  # noqa: E402
from doc_templates.filling import render, render_with_python_docx  # noqa: E402

TEMPLATE = bundled_template_path("rectification")
SURNAMES = "张王李赵陈刘杨黄周吴"
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰"]


def values_for(index):
    floor, room = divmod(index, 4)
    return {
        "文号": f"整改-2026-{index + 1:04d}",
        "业户姓名": SURNAMES[index % 10] + GIVEN[(index // 10) % 10],
        "房号": f"翠湖花园 {index % 12 + 1}栋 {floor % 30 + 1:d}{room + 1:02d}室",
        "发现时间": "2026年11月25日",
        "发现地点": "顶层露台",
        "违规事实": "在露台加建彩钢板房约12平方米，未向物业服务中心申报。",
        "依据": "《翠湖花园管理规约》第十二条",
        "整改要求": "拆除加建部分，恢复露台原状。",
        "期限说明": "自签发之日起5个工作日内（2026年12月2日前）",
        "整改期限": "2026年12月2日",
        "后果": "逾期未整改的，将报请有关行政主管部门依法处理。",
        "签发单位": "翠湖花园物业服务中心    翠湖花园业主委员会",
        "签发日期": "2026年11月25日",
        "签发日期大写": "二〇二六年十一月二十五日",
        "服务中心": "翠湖花园物业服务中心",
    }


def ours(template_bytes, values):
    return render(template_bytes, values)


def with_docxtpl(template_bytes, values):
    document = DocxTemplate(io.BytesIO(template_bytes))
    document.render(values)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def python_docx_each_time(template_bytes, values):
    return render_with_python_docx(template_bytes, values)


ENGINES = {
    "本项目：模板预处理后填充": ours,
    "python-docx 每份重新解析（原做法）": python_docx_each_time,
    "docxtpl 0.20.2": with_docxtpl,
}


def check_same_content(template_bytes):
    """Every engine must put the same values in the same paragraphs."""
    texts = []
    for engine in ENGINES.values():
        document = Document(io.BytesIO(engine(template_bytes, values_for(7))))
        texts.append([p.text for p in document.paragraphs])
    assert all(text == texts[0] for text in texts), "the engines produced different text"
    assert not any("{{" in line for line in texts[0])


def median_ms(engine, template_bytes, runs):
    timings = []
    for index in range(runs):
        started = time.perf_counter()
        engine(template_bytes, values_for(index))
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def zip_batch(engine, template_bytes, count):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index in range(count):
            archive.writestr(f"{index:04d}.docx", engine(template_bytes, values_for(index)))
    return len(buffer.getvalue())


def batch(engine, template_bytes, count):
    """Wall time of one pass, then peak memory of a second pass under tracemalloc
    (which slows Python down, so it is kept out of the timing)."""
    started = time.perf_counter()
    size = zip_batch(engine, template_bytes, count)
    seconds = time.perf_counter() - started
    tracemalloc.start()
    zip_batch(engine, template_bytes, count)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak / 1024 / 1024, size / 1024 / 1024


def write_excel(rows, path):
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "文书生成基准"
    sheet.append(["引擎", "单份中位数（毫秒）", "批量用时（秒）", "峰值内存（MB）", "压缩包（MB）"])
    for row in rows:
        sheet.append(row)
    for column, anchor, title in ((2, "G2", "单份中位数（毫秒）"), (3, "G18", "批量用时（秒）")):
        chart = BarChart()
        chart.title = title
        chart.add_data(
            Reference(sheet, min_col=column, min_row=1, max_row=len(rows) + 1),
            titles_from_data=True,
        )
        chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=len(rows) + 1))
        sheet.add_chart(chart, anchor)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()

    template_bytes = TEMPLATE.read_bytes()
    check_same_content(template_bytes)
    rows = []
    for name, engine in ENGINES.items():
        engine(template_bytes, values_for(0))  # warm-up
        median = median_ms(engine, template_bytes, args.runs)
        seconds, peak, size = batch(engine, template_bytes, args.batch)
        rows.append([name, round(median, 2), round(seconds, 2), round(peak, 1), round(size, 1)])

    print(
        f"Python {sys.version.split()[0]}; 单份中位数取 {args.runs} 次；批量 {args.batch} 份（内存中打包 zip）"
    )
    print("| 引擎 | 单份中位数 | 批量用时 | 峰值内存 | 压缩包 | 比 docxtpl 快（单份 / 批量） |")
    print("|---|---|---|---|---|---|")
    peer = rows[-1]
    for name, median, seconds, peak, size in rows:
        ratio = f"{peer[1] / median:.1f}× / {peer[2] / seconds:.1f}×"
        print(f"| {name} | {median} ms | {seconds} s | {peak} MB | {size} MB | {ratio} |")
    output = ROOT / "var" / "bench" / "notices_bench.xlsx"
    write_excel(rows, output)
    print(f"已写入 {output}")


if __name__ == "__main__":
    main()
