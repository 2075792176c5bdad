"""Synthetic documents and their rows: plans, targets, achievements and programmes.

Each plan belongs to one region and is a five-year plan, a yearly work report, an implementation
scheme or a work plan, as local governments publish them. Its figures use the curated indicators
(so that series run across regions), with values written as the documents print them (1500家,
1.2万家, 166.17亿元, 24.9%) and quoted in a sentence that states them. Its programmes reuse the
curated titles and summaries, in a pillar → task → measure hierarchy.
"""

import random
from dataclasses import dataclass

from portal.synth.regions import Region, spread

CN_NUMERALS = "一二三四五六七八九十"
FIVE_YEAR_PLANS = ((11, 2006), (12, 2011), (13, 2016), (14, 2021), (15, 2026))
FIVE_YEAR_ZH = {11: "十一五", 12: "十二五", 13: "十三五", 14: "十四五", 15: "十五五"}
SCHEMES = (
    ("db", "doubling", "科技创新资源倍增工程实施方案", "Science and Technology Innovation "
     "Resources Doubling Programme Implementation Scheme"),
    ("ht", "high-tech", "高新技术企业培育行动方案", "Action Plan for Cultivating High-tech "
     "Enterprises"),
    ("tt", "transfer", "促进科技成果转化行动方案", "Action Plan for Technology Transfer"),
    ("pf", "platforms", "创新平台建设实施方案", "Implementation Scheme for Innovation Platforms"),
)  # fmt: skip
WORK_PLANS = (
    ("cc", "community", "协同创新共同体建设工作方案", "Work Plan for the Collaborative "
     "Innovation Community"),
    ("ps", "popular-science", "全民科学素质行动工作方案", "Work Plan for Public Science Literacy"),
)  # fmt: skip


@dataclass(frozen=True)
class Plan:
    plan_id: str
    prefix: str  # of the ids of its rows
    region: Region
    doc_type: str
    title_zh: str
    title_en: str
    published_on: str
    period_start: int
    period_end: int


def plan_candidates(region: Region, rng: random.Random, wanted: int) -> list[Plan]:
    """`wanted` distinct documents of one region, of every kind, in a random order."""
    code, zh, en = region.code, region.name_zh, region.name_en
    plans = []
    for number, start in FIVE_YEAR_PLANS:
        plans.append(
            Plan(
                f"{code}-st-{number}fyp", f"{code}-{number}fyp", region, "five-year-plan",
                f"{zh}“{FIVE_YEAR_ZH[number]}”科技创新发展规划",
                f"{en} {number}th Five-Year Science and Technology Innovation Plan",
                f"{start}-{rng.randint(3, 12):02d}-{rng.randint(1, 28):02d}", start, start + 4,
            )
        )  # fmt: skip
    for short, slug, title_zh, title_en in SCHEMES:
        for start in (2018, 2022, 2025):
            plans.append(
                Plan(
                    f"{code}-{slug}-{start}", f"{code}-{short}{start}", region,
                    "implementation-scheme", f"{zh}{title_zh}", f"{en} {title_en}",
                    f"{start}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", start, start + 2,
                )
            )  # fmt: skip
    for short, slug, title_zh, title_en in WORK_PLANS:
        for start in (2015, 2019, 2023):
            plans.append(
                Plan(
                    f"{code}-{slug}-{start}", f"{code}-{short}{start}", region, "work-plan",
                    f"{zh}{title_zh}({start}-{start + 2}年)",
                    f"{en} {title_en} ({start}-{start + 2})",
                    f"{start}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", start, start + 2,
                )
            )  # fmt: skip
    year = 2026
    while len(plans) < wanted:  # a yearly work report for as many years back as needed
        plans.append(
            Plan(
                f"{code}-st-work-report-{year}", f"{code}-wr{year}", region, "work-report",
                f"{year}年{zh}科技工作会议报告",
                f"Report to the {year} {en} Science and Technology Work Conference",
                f"{year}-02-{rng.randint(1, 28):02d}", year, min(year + 4, 2100),
            )
        )  # fmt: skip
        year -= 1
    rng.shuffle(plans)
    return plans[:wanted]


def plans_of(regions: list[Region], count: int, rng: random.Random) -> list[Plan]:
    """`count` plans spread over the regions, about as many for each."""
    order = regions[:]
    rng.shuffle(order)
    if count < len(order):
        order = order[:count]
    plans = []
    for region, n in zip(order, spread(count, len(order), rng), strict=True):
        plans.extend(plan_candidates(region, rng, n))
    return plans


def plan_row(plan: Plan, rng: random.Random) -> dict:
    region = plan.region
    government = plan.doc_type == "five-year-plan" and rng.random() < 0.5
    if government:
        issuer = (f"{region.name_zh}人民政府", f"People's Government of {region.name_en}")
    elif region.level == "province":
        issuer = (
            f"{region.name_zh}科学技术厅",
            f"{region.name_en} Department of Science and Technology",
        )
    else:
        issuer = (f"{region.name_zh}科学技术局", f"{region.name_en} Science and Technology Bureau")
    year = plan.published_on[:4]
    number = f"{region.name_zh[0]}政发〔{year}〕{rng.randint(1, 60)}号" if government else ""
    return {
        "plan_id": plan.plan_id,
        "title_zh": plan.title_zh,
        "title_en": plan.title_en,
        "issuer_zh": issuer[0],
        "issuer_en": issuer[1],
        "region_code": region.code,
        "doc_type": plan.doc_type,
        "doc_number": number,
        "published_on": plan.published_on,
        "period_start": plan.period_start,
        "period_end": plan.period_end,
        "source_file": f"{plan.plan_id}.txt",
    }  # fmt: skip


def section(rng: random.Random) -> str:
    return f"{rng.choice(CN_NUMERALS[1:6])}、（{rng.choice(CN_NUMERALS[:6])}）{rng.randint(1, 6)}"


def figure(unit: str, rng: random.Random) -> tuple[str, str]:
    """A value in the unit and the same value as a document prints it: ('12000', '1.2万家')."""
    if unit.startswith("%"):
        value = f"{rng.uniform(0.5, 95):.1f}".removesuffix(".0")
        return value, f"{value}%"
    if unit.endswith("亿元"):
        amount = round(10 ** rng.uniform(-0.5, 3.6), rng.choice((0, 1, 2)))
        if amount >= 10000 and rng.random() < 0.5:
            tens = round(amount / 1000) / 10
            return f"{tens * 10000:g}", f"{tens:g}万亿元"
        value = f"{amount:.2f}".rstrip("0").rstrip(".")
        return value, f"{value}亿元"
    if unit == "倍":
        value = f"{rng.uniform(1.1, 5):.1f}"
        return value, f"{value}倍"
    count = max(1, round(10 ** rng.uniform(0, 4.3)))
    if count >= 10000:
        tens = round(count / 1000)
        return str(tens * 1000), f"{tens / 10:g}万{unit}"
    if count >= 200 and rng.random() < 0.15:
        hundreds = round(count, -2)
        return str(hundreds), f"{hundreds}余{unit}"
    return str(count), f"{count}{unit}"


TARGET_COMPARATORS = ((">=", 55), ("qualitative", 17), (">", 15), ("=", 9), ("~", 4))
TARGET_QUALIFIERS = {
    ">=": ("达到", "达", "力争", "至少", ""),
    ">": ("突破", "超过"),
    "=": ("", "新增"),
    "~": ("左右", "约"),
    "qualitative": ("力争", "", "全覆盖"),
}
ACHIEVEMENT_COMPARATORS = (("=", 70), (">", 22), ("~", 7), ("<", 1))
ACHIEVEMENT_QUALIFIERS = {
    "=": ("", "达", "达到"),
    ">": ("超过", "突破"),
    "~": ("近", "约"),
    "<": ("不到",),
}


def weighted(choices, rng: random.Random):
    return rng.choices([c for c, _ in choices], [w for _, w in choices])[0]


def target_rows(plan: Plan, count: int, indicators: list[dict], rng: random.Random):
    area = plan.region.area_zh
    for n in range(1, count + 1):
        indicator = rng.choice(indicators)
        unit, name_zh = indicator["unit"], indicator["name_zh"]
        year = plan.period_end
        if rng.random() < 0.2:
            year = rng.randint(plan.period_start, plan.period_end)
        comparator = weighted(TARGET_COMPARATORS, rng)
        qualifier = rng.choice(TARGET_QUALIFIERS[comparator])
        if comparator == "qualitative":
            value = value_text = ""
            quote = f"{area}{name_zh}{qualifier}进入{rng.choice(('全省', '全国', '全市'))}前列"
            note = f"Qualitative goal: {indicator['name_en']} to rank among the leading regions."
            note_zh = f"定性目标：{name_zh}进入前列。"
        else:
            value, value_text = figure(unit, rng)
            quote = f"到{year}年，{area}{name_zh}{qualifier}{value_text}"
            if qualifier == "力争":
                quote = f"力争到{year}年，{area}{name_zh}达到{value_text}"
            if rng.random() < 0.4:
                quote += f"，{rng.choice(indicators)['name_zh']}稳步提升"
            noted = rng.random() < 0.7
            note = (
                f"Read as the {indicator['name_en']} by {year}, as the plan's goals state it."
                if noted
                else ""
            )
            note_zh = f"按规划目标的表述，理解为到{year}年的{name_zh}。" if noted else ""
        yield (
            f"{plan.prefix}-t{n:03d}", plan.plan_id, indicator["indicator_id"], plan.region.code,
            year, comparator, value, value_text, qualifier, indicator["basis"], section(rng),
            quote + "。", note, note_zh,
        )  # fmt: skip


def achievement_rows(plan: Plan, count: int, indicators: list[dict], rng: random.Random):
    area = plan.region.area_zh
    for n in range(1, count + 1):
        indicator = rng.choice(indicators)
        unit, name_zh = indicator["unit"], indicator["name_zh"]
        basis = indicator["basis"]
        end = plan.period_start - 1
        start = end - 4 if basis == "cumulative" else end
        comparator = weighted(ACHIEVEMENT_COMPARATORS, rng)
        qualifier = rng.choice(ACHIEVEMENT_QUALIFIERS[comparator])
        value, value_text = figure(unit, rng)
        if basis == "cumulative":
            quote = f"{start}-{end}年，{area}累计{name_zh}{qualifier}{value_text}"
        elif basis == "growth":
            quote = f"{end}年，{area}{name_zh}年均增长{qualifier}{value_text}"
        else:
            quote = f"截至{end}年底，{area}{name_zh}{qualifier}{value_text}"
        period = start if start == end else f"{start}-{end}"
        noted = rng.random() < 0.94
        note = (
            f"Reported for {period}; {indicator['name_en']} as the review section states it."
            if noted
            else ""
        )
        note_zh = f"按回顾部分的表述，为{period}年的{name_zh}。" if noted else ""
        yield (
            f"{plan.prefix}-a{n:03d}", plan.plan_id, indicator["indicator_id"], plan.region.code,
            start, end, comparator, value, value_text, qualifier, basis, section(rng),
            quote + "。", note, note_zh,
        )  # fmt: skip


def program_rows(plan: Plan, count: int, pools: dict[str, list[dict]], rng: random.Random):
    """A plan's pillars, tasks under them and measures under the tasks: `count` in all."""
    pillars = max(1, round(count * 0.12))
    tasks = min(count - pillars, round(count * 0.38))
    measures = count - pillars - tasks
    n = 0

    def row(level, parent, ordinal, heading):
        nonlocal n
        n += 1
        text = rng.choice(pools[level])
        quote = {"pillar": f"{heading}、", "task": f"({heading})"}.get(level, "")
        quote += text["title_zh"] + ("。" if level == "measure" else "")
        program_id = f"{plan.prefix}-p{n:03d}"
        return program_id, (
            program_id, plan.plan_id, parent, ordinal, level, text["title_zh"], text["title_en"],
            text["summary_en"], text["summary_zh"], section_of, quote,
        )  # fmt: skip

    task_counts = spread(tasks, pillars, rng)
    measure_counts = spread(measures, tasks, rng) if tasks else []
    for p in range(pillars):
        numeral = CN_NUMERALS[(p + 3) % 10]
        section_of = f"{numeral}、"
        pillar_id, pillar = row("pillar", "", p + 1, numeral)
        yield pillar
        for t in range(task_counts[p]):
            section_of = f"{numeral}、（{CN_NUMERALS[t % 10]}）"
            task_id, task = row("task", pillar_id, t + 1, CN_NUMERALS[t % 10])
            yield task
            for m in range(measure_counts.pop()):
                yield row("measure", task_id, m + 1, "")[1]
