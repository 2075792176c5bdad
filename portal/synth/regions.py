"""A national tree of regions with GB/T 2260-shaped codes: provinces, prefectures, counties.

The 31 provinces are the real ones; prefecture- and county-level names are made of common
place-name syllables, so that the codes, levels and names look like the real thing at the real
scale (some 330 prefecture-level and 2,800 county-level governments).
"""

import random
from dataclasses import dataclass

PROVINCES = (
    ("11", "北京市", "Beijing"),
    ("12", "天津市", "Tianjin"),
    ("13", "河北省", "Hebei"),
    ("14", "山西省", "Shanxi"),
    ("15", "内蒙古自治区", "Inner Mongolia"),
    ("21", "辽宁省", "Liaoning"),
    ("22", "吉林省", "Jilin"),
    ("23", "黑龙江省", "Heilongjiang"),
    ("31", "上海市", "Shanghai"),
    ("32", "江苏省", "Jiangsu"),
    ("33", "浙江省", "Zhejiang"),
    ("34", "安徽省", "Anhui"),
    ("35", "福建省", "Fujian"),
    ("36", "江西省", "Jiangxi"),
    ("37", "山东省", "Shandong"),
    ("41", "河南省", "Henan"),
    ("42", "湖北省", "Hubei"),
    ("43", "湖南省", "Hunan"),
    ("44", "广东省", "Guangdong"),
    ("45", "广西壮族自治区", "Guangxi"),
    ("46", "海南省", "Hainan"),
    ("50", "重庆市", "Chongqing"),
    ("51", "四川省", "Sichuan"),
    ("52", "贵州省", "Guizhou"),
    ("53", "云南省", "Yunnan"),
    ("54", "西藏自治区", "Tibet"),
    ("61", "陕西省", "Shaanxi"),
    ("62", "甘肃省", "Gansu"),
    ("63", "青海省", "Qinghai"),
    ("64", "宁夏回族自治区", "Ningxia"),
    ("65", "新疆维吾尔自治区", "Xinjiang"),
)
PREFECTURES, COUNTIES = 333, 2844

SYLLABLES = (
    ("安", "an"), ("宝", "bao"), ("昌", "chang"), ("成", "cheng"), ("崇", "chong"),
    ("大", "da"), ("德", "de"), ("东", "dong"), ("丰", "feng"), ("富", "fu"),
    ("广", "guang"), ("海", "hai"), ("河", "he"), ("和", "he"), ("华", "hua"),
    ("怀", "huai"), ("嘉", "jia"), ("建", "jian"), ("江", "jiang"), ("金", "jin"),
    ("晋", "jin"), ("靖", "jing"), ("开", "kai"), ("乐", "le"), ("临", "lin"),
    ("隆", "long"), ("鹿", "lu"), ("龙", "long"), ("梅", "mei"), ("南", "nan"),
    ("宁", "ning"), ("平", "ping"), ("浦", "pu"), ("清", "qing"), ("庆", "qing"),
    ("泉", "quan"), ("瑞", "rui"), ("山", "shan"), ("寿", "shou"), ("顺", "shun"),
    ("泰", "tai"), ("通", "tong"), ("万", "wan"), ("武", "wu"), ("西", "xi"),
    ("仙", "xian"), ("新", "xin"), ("兴", "xing"), ("阳", "yang"), ("永", "yong"),
    ("玉", "yu"), ("云", "yun"), ("章", "zhang"), ("昭", "zhao"), ("镇", "zhen"),
    ("中", "zhong"), ("州", "zhou"), ("遵", "zun"), ("化", "hua"), ("义", "yi"),
)  # fmt: skip


@dataclass(frozen=True)
class Region:
    code: str
    name_zh: str
    name_en: str
    level: str  # province, prefecture, district or county
    parent_code: str  # empty for a province

    @property
    def area_zh(self) -> str:
        """How a plan of the region names it: 全省, 全市, 全区, 全县."""
        return {"province": "全省", "prefecture": "全市", "district": "全区"}.get(
            self.level, "全县" if self.name_zh.endswith("县") else "全市"
        )

    def row(self) -> dict:
        return {
            "region_code": self.code,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "level": self.level,
            "parent_code": self.parent_code,
        }


def spread(total: int, parts: int, rng: random.Random, jitter: float = 0.5) -> list[int]:
    """`total` split into `parts` whole numbers around the mean, summing exactly to `total`."""
    if parts <= 0:
        return []
    weights = [rng.uniform(1 - jitter, 1 + jitter) for _ in range(parts)]
    scale, counts, running, before = total / sum(weights), [], 0.0, 0
    for weight in weights:
        running += weight * scale
        upto = round(running)
        counts.append(upto - before)
        before = upto
    counts[-1] += total - sum(counts)
    return counts


def _name(rng: random.Random, taken: set[str]) -> tuple[str, str]:
    while True:
        (zh1, en1), (zh2, en2) = rng.sample(SYLLABLES, 2)
        if zh1 + zh2 not in taken:
            taken.add(zh1 + zh2)
            return zh1 + zh2, (en1 + en2).capitalize()


def national_regions(seed: int = 2260) -> list[Region]:
    """Every region, parents before children: the same tree for every size of synthetic data."""
    rng = random.Random(seed)
    regions, taken = [], set()
    prefectures = spread(PREFECTURES, len(PROVINCES), rng)
    counties = spread(COUNTIES, PREFECTURES, rng, jitter=0.6)
    for (province, zh, en), n_prefectures in zip(PROVINCES, prefectures, strict=True):
        regions.append(Region(f"{province}0000", zh, en, "province", ""))
        for p in range(1, n_prefectures + 1):
            city_zh, city_en = _name(rng, taken)
            city = Region(
                f"{province}{p:02d}00", city_zh + "市", city_en, "prefecture", f"{province}0000"
            )
            regions.append(city)
            n = counties.pop()
            districts = max(1, round(n * 0.35))
            cities = round(n * 0.1)
            for c in range(n):
                name_zh, name_en = _name(rng, taken)
                if c < districts:
                    number, suffix, en_suffix, level = 1 + c, "区", " District", "district"
                elif c < n - cities:
                    number, suffix, en_suffix, level = 21 + c - districts, "县", " County", "county"
                else:
                    number = 81 + c - (n - cities)
                    suffix, en_suffix, level = "市", " City", "county"
                regions.append(
                    Region(
                        f"{province}{p:02d}{number:02d}",
                        name_zh + suffix,
                        name_en + en_suffix,
                        level,
                        city.code,
                    )
                )
    return regions
