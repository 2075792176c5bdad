"""Search in Chinese and English: one- and two-character Chinese terms included.

SQLite's tokenizers cannot find 专利 in 国内专利授权: unicode61 takes a run of Chinese
characters as one token and trigram needs three characters. So the build writes each run
of Chinese characters as its overlapping pairs, and its last character alone
(国内专利授权 → 国内 内专 专利 利授 授权 权), which unicode61 then takes as tokens.
A query term in Chinese becomes the phrase of its pairs ("高新技术" → "高新 新技 技术"),
which matches exactly where the characters stand together, and a single character is
a prefix ("专"* matches 专利 and a final 专). Pairs are far rarer than single characters,
so a phrase of them reads far shorter lists of rows than a phrase of single characters
would. English words and numbers are ordinary tokens; English words match as prefixes
(patent → patents), and a word with inner punctuation is a phrase of its parts
("R&D" → "r d", "2.8" → "2 8").
"""

import html
import re
import sqlite3
import unicodedata
from dataclasses import dataclass

from .query import cached_count

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_CHAR = re.compile(f"([{_CJK}])")
_CJK_RUN = re.compile(f"[{_CJK}]+")
_TOKEN = re.compile(f"[{_CJK}]|[^\\W_]+", re.UNICODE)
# A query word: a run of Chinese characters, or a run of anything else up to a space. "R&D",
# "high-tech" and "2.8" are one word each, so their parts must stand together, as in the text.
_WORD = re.compile(f"[{_CJK}]+|[^\\s{_CJK}]+")
# A letter or digit that is not Chinese: where an English word or a number starts and ends.
_ALNUM = f"[^\\W_{_CJK}]"
MAX_TERMS = 10

# A figure is found by its indicator's names, and by its theme's ("人才 2027": talent goals for
# 2027); only what a hit shows as its name is in the weighted name column.
_THEME_NAMES = "th.name_zh || ' ' || th.name_en"
_INDICATOR_JOIN = (
    "JOIN indicators i USING (indicator_id) JOIN themes th ON th.theme_id = i.theme_id"
)

# What each kind of row is found by: its names (weighted) and a body, as SQL over the table `t`.
INDEXED = {
    "plans": (
        "plan_id",
        "t.title_zh || ' ' || t.title_en",
        "t.issuer_zh || ' ' || t.issuer_en || ' ' || coalesce(t.doc_number, '') || ' '"
        " || t.period_start || ' ' || t.period_end",
        "",
    ),
    "indicators": (
        "indicator_id",
        "t.name_zh || ' ' || t.name_en",
        f"t.definition_en || ' ' || t.unit || ' ' || t.unit_en || ' ' || {_THEME_NAMES}",
        "JOIN themes th USING (theme_id)",
    ),
    "programs": (
        "program_id",
        "t.title_zh || ' ' || t.title_en",
        "t.summary_en || ' ' || t.source_quote",
        "",
    ),
    "targets": (
        "target_id",
        "i.name_zh || ' ' || i.name_en",
        f"{_THEME_NAMES} || ' ' || t.source_quote || ' ' || coalesce(t.value_text, '') || ' '"
        " || t.target_year || ' ' || coalesce(t.note_en, '')",
        _INDICATOR_JOIN,
    ),
    "achievements": (
        "achievement_id",
        "i.name_zh || ' ' || i.name_en",
        f"{_THEME_NAMES} || ' ' || t.source_quote || ' ' || t.value_text || ' '"
        " || t.period_start || ' ' || t.period_end || ' ' || coalesce(t.note_en, '')",
        _INDICATOR_JOIN,
    ),
}
KINDS = {
    "plans": "plan",
    "indicators": "indicator",
    "programs": "program",
    "targets": "target",
    "achievements": "achievement",
}


def normalise(text: str) -> str:
    """Full-width letters and digits as ASCII, case folded."""
    return unicodedata.normalize("NFKC", text or "").casefold()


def pairs(run: str) -> list[str]:
    """A run of Chinese characters as the index's tokens: neighbours in pairs, the last alone."""
    return [run[i : i + 2] for i in range(len(run) - 1)] + [run[-1]]


def _spaced_run(match: re.Match) -> str:
    return " " + " ".join(pairs(match.group())) + " "


def spaced(text: str) -> str:
    """Text as the index holds it: each run of Chinese characters as its pairs."""
    return _CJK_RUN.sub(_spaced_run, normalise(text))


def terms(query: str) -> list[str]:
    """The words of a query: runs of Chinese characters, and words or numbers (with their
    inner punctuation: "r&d", "2.8"); punctuation alone is no word."""
    words = (w for w in _WORD.findall(normalise(query)) if _TOKEN.search(w))
    return list(words)[:MAX_TERMS]


def _phrase(term: str) -> str:
    """One term as an FTS5 phrase: its tokens in order, a prefix if it ends in a letter."""
    if _CJK_CHAR.match(term):  # a run of Chinese characters: the phrase of its pairs
        return f'"{term}"*' if len(term) == 1 else '"' + " ".join(pairs(term)[:-1]) + '"'
    tokens = _TOKEN.findall(term)
    prefix = not _CJK_CHAR.match(tokens[-1]) and not tokens[-1].isdigit()
    return '"' + " ".join(tokens) + '"' + ("*" if prefix else "")


def fts_query(query: str) -> str | None:
    """An FTS5 MATCH expression in which every term must occur; None if nothing is searchable."""
    return " AND ".join(_phrase(term) for term in terms(query)) or None


def fts_table(table: str) -> str:
    return f"{table}_fts"


def create_indexes(conn: sqlite3.Connection) -> None:
    """An FTS5 table per searchable table, rowid for rowid, indexing the spaced text.

    Contentless: hits are read from the tables themselves, so the index keeps no copy of the text.
    """
    conn.create_function("spaced", 1, spaced, deterministic=True)
    for table, (_, name, body, join) in INDEXED.items():
        fts = fts_table(table)
        conn.execute(
            f"CREATE VIRTUAL TABLE {fts} USING fts5(name, body, "
            "content = '', tokenize = 'unicode61 remove_diacritics 2')"
        )
        conn.execute(
            f"INSERT INTO {fts} (rowid, name, body) "
            f"SELECT t.rowid, spaced({name}), spaced({body}) FROM {table} t {join}"
        )
        conn.execute(f"INSERT INTO {fts} ({fts}) VALUES ('optimize')")


@dataclass
class Hit:
    kind: str
    id: str
    plan_id: str | None
    name_zh: str
    name_en: str
    text: str
    rank: int  # 0: every term in its names, 1: some, 2: none (found in the body only)


# What a hit shows, by kind: its names and the text a snippet is cut from.
_SHOWN = {
    "plans": "t.plan_id, t.plan_id, t.title_zh, t.title_en, t.issuer_zh || ' · ' || t.issuer_en",
    "indicators": "t.indicator_id, NULL, t.name_zh, t.name_en, t.definition_en",
    "programs": "t.program_id, t.plan_id, t.title_zh, t.title_en, "
    "t.summary_en || ' ' || t.source_quote",
    "targets": "t.target_id, t.plan_id, i.name_zh, i.name_en, t.source_quote",
    "achievements": "t.achievement_id, t.plan_id, i.name_zh, i.name_en, t.source_quote",
}


def tiers(phrases: list[str]) -> list[str]:
    """MATCH expressions for the hits with every term in their names, some, and none."""
    every, some = " AND ".join(phrases), " OR ".join(phrases)
    found = [f"name : ({every})"]
    if len(phrases) > 1:
        found.append(f"(({every}) AND (name : ({some}))) NOT (name : ({every}))")
    found.append(f"({every}) NOT (name : ({some}))")
    return found


# Hits counted per kind: beyond, the total is a floor. Counting reads every match, and a common
# word has hundreds of thousands at national scale.
COUNT_LIMIT = 10_000


def search(
    conn: sqlite3.Connection,
    query: str,
    kinds: list[str] | None = None,
    limit: int = 20,
    offset: int = 0,
) -> tuple[list[Hit], int, bool]:
    """The hits for a query across kinds, name matches first; how many; whether that is exact.

    Hits are ranked by how much of the query their names hold (a tier: every term, some, none),
    then by kind (plans, indicators, programmes, targets, achievements) and their order in the
    data. The index reads its matches in that order, so a page reads only as many as it shows:
    a word in a million rows costs what a rare one does. (BM25 would read every match first, to
    count the rows that hold each term.) Hits are counted up to COUNT_LIMIT per kind, once
    per file, and kept.
    """
    phrases = [_phrase(term) for term in terms(query)]
    if not phrases:
        return [], 0, True
    tables = [t for t in INDEXED if kinds is None or t in kinds]
    every = " AND ".join(phrases)
    counts = [
        cached_count(
            conn,
            f"SELECT count(*) FROM (SELECT 1 FROM {fts_table(t)} WHERE {fts_table(t)} MATCH ? "
            f"LIMIT {COUNT_LIMIT + 1})",
            [every],
        )
        for t in tables
    ]
    total, exact = sum(min(c, COUNT_LIMIT) for c in counts), max(counts) <= COUNT_LIMIT
    wanted, chosen = offset + limit, []  # (tier, table, rowid) in rank order
    for tier, match in enumerate(tiers(phrases)):
        for table in tables:
            if len(chosen) >= wanted:
                break
            fts = fts_table(table)
            found = conn.execute(
                f"SELECT rowid FROM {fts} WHERE {fts} MATCH ? ORDER BY rowid LIMIT ?",
                [match, wanted - len(chosen)],
            )
            chosen.extend((tier, table, rowid) for (rowid,) in found)
    chosen = chosen[offset:wanted]
    shown = {}
    for table in {table for _, table, _ in chosen}:
        rowids = [rowid for _, t, rowid in chosen if t == table]
        rows = conn.execute(
            f"SELECT t.rowid, {_SHOWN[table]} FROM {table} t {INDEXED[table][3]} "
            f"WHERE t.rowid IN ({', '.join('?' * len(rowids))})",
            rowids,
        )
        shown |= {(table, rowid): row for rowid, *row in rows}
    hits = [Hit(KINDS[table], *shown[(table, rowid)], tier) for tier, table, rowid in chosen]
    return hits, total, exact


def page_url(hit: Hit) -> str:
    """The reading page that shows a hit: its own, or its plan's, at the row."""
    if hit.kind == "plan":
        return f"/plans/{hit.id}"
    if hit.kind == "indicator":
        return f"/indicators/{hit.id}"
    return f"/plans/{hit.plan_id}#{hit.id}"


def _pattern(term: str) -> str:
    """Where a term stands in the original text, as the index matches it: Chinese anywhere,
    a word or number from its start, its parts apart by any punctuation, a word to its end."""
    if _CJK_CHAR.match(term):
        return re.escape(term)
    tokens = _TOKEN.findall(term)
    end = "(?!" + _ALNUM + ")" if tokens[-1].isdigit() else _ALNUM + "*"
    return "(?<!" + _ALNUM + ")" + "[\\W_]+".join(map(re.escape, tokens)) + end


def snippet(text: str, query: str, width: int = 80) -> str:
    """HTML: a window of the text around the first match, escaped, each match in <mark>.

    Matching is on the text folded as the index folds it (full-width digits as ASCII), but the
    window shows the text as written: a quote is quoted verbatim.
    """
    words = sorted(set(terms(query)), key=len, reverse=True)
    if not words or not text:
        return html.escape((text or "")[:width])
    pattern = re.compile("|".join(map(_pattern, words)), re.IGNORECASE)
    folded, origin = _folded(text)
    found = [(origin[m.start()], origin[m.end() - 1] + 1) for m in pattern.finditer(folded)]
    start = max(0, (found[0][0] if found else 0) - width // 3)
    end = start + width
    out, last = [], start
    for match_start, match_end in found:
        if match_start < last or match_end > end:
            continue
        marked = html.escape(text[match_start:match_end])
        out += [html.escape(text[last:match_start]), "<mark>", marked, "</mark>"]
        last = match_end
    out.append(html.escape(text[last:end]))
    return ("…" if start else "") + "".join(out) + ("…" if end < len(text) else "")


def _folded(text: str) -> tuple[str, list[int]]:
    """The text NFKC-folded character by character, and for each folded character the index of
    the character it came from."""
    folded, origin = [], []
    for index, char in enumerate(text):
        for part in unicodedata.normalize("NFKC", char):
            folded.append(part)
            origin.append(index)
    return "".join(folded), origin
