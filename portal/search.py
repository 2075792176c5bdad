"""Search in Chinese and English: one- and two-character Chinese terms included.

SQLite's tokenizers cannot find 专利 in 国内专利授权: unicode61 takes a run of Chinese characters
as one token and trigram needs three characters. So the build writes every Chinese character as a
token of its own (spaced text, unicode61), and a query term in Chinese becomes a phrase of its
characters: "专利" → "专 利", which matches exactly where the two characters stand together. English
words and numbers are ordinary tokens; English words match as prefixes (patent → patents).
"""

import html
import re
import sqlite3
import unicodedata
from dataclasses import dataclass

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_CHAR = re.compile(f"([{_CJK}])")
_CJK_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
# str.translate with this table spaces the characters several times faster than a regex.
_SPACED = {c: f" {chr(c)} " for low, high in _CJK_RANGES for c in range(low, high + 1)}
_TOKEN = re.compile(f"[{_CJK}]|[^\\W_]+", re.UNICODE)
MAX_TERMS = 10

# A figure is found by its indicator's and its theme's names ("人才 2027": talent goals for 2027).
_INDICATOR_NAMES = "i.name_zh || ' ' || i.name_en || ' ' || th.name_zh || ' ' || th.name_en"
_INDICATOR_JOIN = (
    "JOIN indicators i USING (indicator_id) JOIN themes th ON th.theme_id = i.theme_id"
)

# What each kind of row is found by: a name (weighted) and a body, as SQL over the table `t`.
INDEXED = {
    "plans": (
        "plan_id",
        "t.title_zh || ' ' || t.title_en || ' ' || t.issuer_zh || ' ' || t.issuer_en",
        "coalesce(t.doc_number, '') || ' ' || t.period_start || ' ' || t.period_end",
        "",
    ),
    "indicators": (
        "indicator_id",
        "t.name_zh || ' ' || t.name_en",
        "t.definition_en || ' ' || t.unit || ' ' || t.unit_en || ' ' || th.name_zh"
        " || ' ' || th.name_en",
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
        _INDICATOR_NAMES,
        "t.source_quote || ' ' || coalesce(t.value_text, '') || ' ' || t.target_year"
        " || ' ' || coalesce(t.note_en, '')",
        _INDICATOR_JOIN,
    ),
    "achievements": (
        "achievement_id",
        _INDICATOR_NAMES,
        "t.source_quote || ' ' || t.value_text || ' ' || t.period_start || ' '"
        " || t.period_end || ' ' || coalesce(t.note_en, '')",
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
NAME_WEIGHT, BODY_WEIGHT = 10.0, 1.0


def normalise(text: str) -> str:
    """Full-width letters and digits as ASCII, case folded."""
    return unicodedata.normalize("NFKC", text or "").casefold()


def spaced(text: str) -> str:
    """Text as the index holds it: every Chinese character a word of its own."""
    return normalise(text).translate(_SPACED)


def terms(query: str) -> list[str]:
    """The words of a query: runs of Chinese characters, and words or numbers."""
    return re.findall(f"[{_CJK}]+|[^\\W_]+", normalise(query))[:MAX_TERMS]


def fts_query(query: str) -> str | None:
    """An FTS5 MATCH expression in which every term must occur; None if nothing is searchable."""
    parts = []
    for term in terms(query):
        tokens = _TOKEN.findall(term)
        phrase = '"' + " ".join(tokens) + '"'
        prefix = not _CJK_CHAR.match(tokens[-1]) and not tokens[-1].isdigit()
        parts.append(phrase + ("*" if prefix else ""))
    return " AND ".join(parts) or None


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
            "content = '', tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')"
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
    score: float


# What a hit shows, by kind: its names and the text a snippet is cut from.
_SHOWN = {
    "plans": "t.plan_id, t.plan_id, t.title_zh, t.title_en, t.issuer_zh || ' · ' || t.issuer_en",
    "indicators": "t.indicator_id, NULL, t.name_zh, t.name_en, t.definition_en",
    "programs": "t.program_id, t.plan_id, t.title_zh, t.title_en, "
    "t.summary_en || ' ' || t.source_quote",
    "targets": "t.target_id, t.plan_id, i.name_zh, i.name_en, t.source_quote",
    "achievements": "t.achievement_id, t.plan_id, i.name_zh, i.name_en, t.source_quote",
}


def search(
    conn: sqlite3.Connection,
    query: str,
    kinds: list[str] | None = None,
    limit: int = 20,
    offset: int = 0,
) -> tuple[list[Hit], int]:
    """The best hits for a query across kinds, name matches first; and how many there are."""
    match = fts_query(query)
    if match is None:
        return [], 0
    hits, total = [], 0
    for table in kinds or list(INDEXED):
        fts = fts_table(table)
        join = INDEXED[table][3]
        total += conn.execute(
            f"SELECT count(*) FROM {fts} WHERE {fts} MATCH ?", [match]
        ).fetchone()[0]
        rows = conn.execute(
            f"SELECT {_SHOWN[table]}, bm25({fts}, {NAME_WEIGHT}, {BODY_WEIGHT}) AS score "
            f"FROM {fts} JOIN {table} t ON t.rowid = {fts}.rowid {join} "
            f"WHERE {fts} MATCH ? ORDER BY score LIMIT ?",
            [match, offset + limit],
        )
        hits.extend(Hit(KINDS[table], *row) for row in rows)
    hits.sort(key=lambda hit: (hit.score, hit.kind, hit.id))
    return hits[offset : offset + limit], total


def snippet(text: str, query: str, width: int = 80) -> str:
    """HTML: a window of the text around the first match, escaped, each match in <mark>."""
    words = sorted({t for t in terms(query)}, key=len, reverse=True)
    if not words or not text:
        return html.escape((text or "")[:width])
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    folded = unicodedata.normalize("NFKC", text)
    first = pattern.search(folded)
    start = max(0, (first.start() if first else 0) - width // 3)
    window = folded[start : start + width]
    out, last = [], 0
    for m in pattern.finditer(window):
        out += [html.escape(window[last : m.start()]), "<mark>", html.escape(m.group()), "</mark>"]
        last = m.end()
    out.append(html.escape(window[last:]))
    return ("…" if start else "") + "".join(out) + ("…" if start + width < len(folded) else "")
