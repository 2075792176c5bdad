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

import re
import sqlite3
import unicodedata

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_CHAR = re.compile(f"([{_CJK}])")
_CJK_RUN = re.compile(f"[{_CJK}]+")
TOKEN = re.compile(f"[{_CJK}]|[^\\W_]+", re.UNICODE)
# A query word: a run of Chinese characters, or a run of anything else up to a space. "R&D",
# "high-tech" and "2.8" are one word each, so their parts must stand together, as in the text.
_WORD = re.compile(f"[{_CJK}]+|[^\\s{_CJK}]+")
# A letter or digit that is not Chinese: where an English word or a number starts and ends.
ALNUM = f"[^\\W_{_CJK}]"
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
        f"t.definition_zh || ' ' || t.definition_en || ' ' || t.unit || ' ' || t.unit_en || ' ' || "
        f"{_THEME_NAMES}",
        "JOIN themes th USING (theme_id)",
    ),
    "programs": (
        "program_id",
        "t.title_zh || ' ' || t.title_en",
        "t.summary_zh || ' ' || t.summary_en || ' ' || t.source_quote",
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
    words = (w for w in _WORD.findall(normalise(query)) if TOKEN.search(w))
    return list(words)[:MAX_TERMS]


def phrase_tokens(term: str) -> tuple[list[str], bool]:
    """One term as the index's tokens in order, and whether the last is a prefix: a single
    Chinese character (of a pair or alone) or a word that ends in a letter (patent → patents)."""
    if CJK_CHAR.match(term):  # a run of Chinese characters: the phrase of its pairs
        return ([term], True) if len(term) == 1 else (pairs(term)[:-1], False)
    tokens = TOKEN.findall(term)
    return tokens, not CJK_CHAR.match(tokens[-1]) and not tokens[-1].isdigit()


def phrase(term: str) -> str:
    """One term as an FTS5 phrase: its tokens in order, a prefix if it ends in a letter."""
    tokens, prefix = phrase_tokens(term)
    return '"' + " ".join(tokens) + '"' + ("*" if prefix else "")


def fts_query(query: str) -> str | None:
    """An FTS5 MATCH expression in which every term must occur; None if nothing is searchable."""
    return " AND ".join(phrase(term) for term in terms(query)) or None


def fts_table(table: str) -> str:
    return f"{table}_fts"


# Every token of each search index, and whether it occurs in the index's name column: a prefix is
# expanded from it, and a term that a table's names never hold is not looked for there.
# FTS5 answers "tech"* by merging the whole list of rows of every token that begins with "tech"
# before it reads the first match, in each statement, whatever its LIMIT; an OR of those tokens
# reads only the rows asked for. And `name : "2027"` reads every row that holds 2027 anywhere,
# to find none that holds it in its name.
TERMS = "search_fts_terms"


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
    create_terms(conn)


def create_terms(conn: sqlite3.Connection) -> None:
    """The table of every token of each search index (TERMS), read once from FTS5's vocabulary."""
    conn.execute(f"DROP TABLE IF EXISTS {TERMS}")
    conn.execute(
        f"CREATE TABLE {TERMS} (table_name TEXT, term TEXT, in_name INTEGER NOT NULL, "
        "PRIMARY KEY (table_name, term)) WITHOUT ROWID"
    )
    for table in INDEXED:
        conn.execute(
            f"CREATE VIRTUAL TABLE temp.vocabulary USING fts5vocab(main, {fts_table(table)}, col)"
        )
        conn.execute(
            f"INSERT INTO {TERMS} SELECT ?, term, max(col = 'name') FROM temp.vocabulary "
            "GROUP BY term",
            [table],
        )
        conn.execute("DROP TABLE temp.vocabulary")
