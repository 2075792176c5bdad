"""Reading the search index: hits ranked by how much of the query their names hold, and
snippets of the text around a match. What is indexed and how is in portal.build.search_index."""

import html
import re
import sqlite3
import unicodedata
from dataclasses import dataclass

from portal.build.search_index import (
    ALNUM,
    CJK_CHAR,
    INDEXED,
    KINDS,
    TERMS,
    TOKEN,
    fts_table,
    phrase,
    phrase_tokens,
    terms,
)
from portal.web.query import cached_count


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
    "indicators": "t.indicator_id, NULL, t.name_zh, t.name_en, "
    "t.definition_en || ' ' || t.definition_zh",
    "programs": "t.program_id, t.plan_id, t.title_zh, t.title_en, "
    "t.summary_en || ' ' || t.source_quote || ' ' || t.summary_zh",
    "targets": "t.target_id, t.plan_id, i.name_zh, i.name_en, t.source_quote",
    "achievements": "t.achievement_id, t.plan_id, i.name_zh, i.name_en, t.source_quote",
}


# A prefix is read as the OR of the tokens it begins, up to this many; past that (a single
# letter, say), FTS5 merges their lists itself.
MAX_EXPANSION = 64


def expanded(conn: sqlite3.Connection, term: str) -> str:
    """One term as a MATCH expression: its phrase, where a prefix ("high tech"*) is the OR of
    the phrases of the tokens it begins ("high tech" OR "high technology"), looked up in the
    table of tokens (portal.build.search_index.TERMS). Both match the same rows; FTS5 reads a
    prefix by merging every row of every such token first, the OR only the rows asked for."""
    tokens, prefix = phrase_tokens(term)
    if not prefix:
        return phrase(term)
    *head, last = tokens
    found = [
        token
        for (token,) in conn.execute(
            f"SELECT term FROM {TERMS} WHERE term >= ? AND term < ? ORDER BY term LIMIT ?",
            [last, last + "\U0010ffff", MAX_EXPANSION + 1],
        )
    ]
    if not found or len(found) > MAX_EXPANSION:
        return phrase(term)
    return "(" + " OR ".join('"' + " ".join([*head, token]) + '"' for token in found) + ")"


def tiers(phrases: list[str]) -> list[str]:
    """MATCH expressions for the hits with every term in their names, some, and none."""
    every, some = " AND ".join(phrases), " OR ".join(phrases)
    found = [f"name : ({every})"]
    if len(phrases) > 1:
        found.append(f"(({every}) AND (name : ({some}))) NOT (name : ({every}))")
    found.append(f"({every}) NOT (name : ({some}))")
    return found


# Hits counted per kind: beyond, the total is a floor. Counting reads every match, and a common
# word has hundreds of thousands at national scale: the bound keeps the first count of a query in
# a worker (later ones are kept) to a few milliseconds. At 200,000 targets, counting up to 10,000
# cost 10 to 110 ms of CPU for a query; reading the hits of a page, under 2 ms for most.
COUNT_LIMIT = 1_000

# A region and every region within it, for a filter by region: Beijing holds Tongzhou.
_WITHIN = (
    "(WITH RECURSIVE within(code) AS (SELECT ? UNION "
    "SELECT r.region_code FROM regions r JOIN within ON r.parent_code = within.code) "
    "SELECT code FROM within)"
)
# Which rows of a table a filter by plan or by region keeps, as SQL over the table `t`. An
# indicator is kept where it has a figure or a goal in the plan or region; a programme where its
# plan is about the region.
_BY_PLAN = {
    "plans": "t.plan_id = ?",
    "indicators": "EXISTS (SELECT 1 FROM series s WHERE s.indicator_id = t.indicator_id "
    "AND s.plan_id = ?)",
    "programs": "t.plan_id = ?",
    "targets": "t.plan_id = ?",
    "achievements": "t.plan_id = ?",
}
_BY_REGION = {
    "plans": f"t.region_code IN {_WITHIN}",
    "indicators": "EXISTS (SELECT 1 FROM series s WHERE s.indicator_id = t.indicator_id "
    f"AND s.region_code IN {_WITHIN})",
    "programs": f"t.plan_id IN (SELECT plan_id FROM plans WHERE region_code IN {_WITHIN})",
    "targets": f"t.region_code IN {_WITHIN}",
    "achievements": f"t.region_code IN {_WITHIN}",
}


def _filters(table: str, plan_id: str | None, region_code: str | None) -> tuple[str, list]:
    """The join and conditions that keep a table's matches to a plan and a region."""
    if not plan_id and not region_code:
        return "", []
    conditions, params = [], []
    if plan_id:
        conditions.append(_BY_PLAN[table])
        params.append(plan_id)
    if region_code:
        conditions.append(_BY_REGION[table])
        params.append(region_code)
    return f" JOIN {table} t ON t.rowid = f.rowid AND " + " AND ".join(conditions), params


def counts(
    conn: sqlite3.Connection,
    query: str,
    kinds: list[str] | None = None,
    *,
    plan_id: str | None = None,
    region_code: str | None = None,
) -> dict[str, int]:
    """How many hits each table holds for a query (up to COUNT_LIMIT + 1), by table name."""
    phrases = [expanded(conn, term) for term in terms(query)]
    if not phrases:
        return {}
    every = " AND ".join(phrases)
    found = {}
    for table in (t for t in INDEXED if kinds is None or t in kinds):
        fts = fts_table(table)
        join, params = _filters(table, plan_id, region_code)
        found[table] = cached_count(
            conn,
            f"SELECT count(*) FROM (SELECT 1 FROM {fts} f{join} WHERE f.{fts} MATCH ? "
            f"LIMIT {COUNT_LIMIT + 1})",
            [*params, every],
        )
    return found


def search(
    conn: sqlite3.Connection,
    query: str,
    kinds: list[str] | None = None,
    limit: int = 20,
    offset: int = 0,
    *,
    plan_id: str | None = None,
    region_code: str | None = None,
) -> tuple[list[Hit], int, bool]:
    """The hits for a query across kinds, name matches first; how many; whether that is exact.

    Hits are ranked by how much of the query their names hold (a tier: every term, some, none),
    then by kind (plans, indicators, programmes, targets, achievements) and their order in the
    data. The index reads its matches in that order, so a page reads only as many as it shows:
    a word in a million rows costs what a rare one does. (BM25 would read every match first, to
    count the rows that hold each term.) Hits are counted up to COUNT_LIMIT per kind, once
    per file, and kept. A plan or a region keeps the hits of that plan or region (see _filters).
    """
    phrases = [expanded(conn, term) for term in terms(query)]
    if not phrases:
        return [], 0, True
    tables = [t for t in INDEXED if kinds is None or t in kinds]
    counted = list(counts(conn, query, tables, plan_id=plan_id, region_code=region_code).values())
    total, exact = sum(min(c, COUNT_LIMIT) for c in counted), max(counted) <= COUNT_LIMIT
    wanted, chosen = offset + limit, []  # (tier, table, rowid) in rank order
    for tier, match in enumerate(tiers(phrases)):
        for table in tables:
            if len(chosen) >= wanted:
                break
            fts = fts_table(table)
            join, params = _filters(table, plan_id, region_code)
            found = conn.execute(
                f"SELECT f.rowid FROM {fts} f{join} WHERE f.{fts} MATCH ? ORDER BY f.rowid LIMIT ?",
                [*params, match, wanted - len(chosen)],
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
    if CJK_CHAR.match(term):
        return re.escape(term)
    tokens = TOKEN.findall(term)
    end = "(?!" + ALNUM + ")" if tokens[-1].isdigit() else ALNUM + "*"
    return "(?<!" + ALNUM + ")" + "[\\W_]+".join(map(re.escape, tokens)) + end


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


# Each character's NFKC form, as met: a snippet folds hundreds of characters, from an alphabet
# of a few thousand, and a lookup costs a third of a call to normalize.
_FOLDS: dict[str, str] = {}


def _fold(char: str) -> str:
    folded = _FOLDS.get(char)
    if folded is None:
        folded = _FOLDS[char] = unicodedata.normalize("NFKC", char)
    return folded


def _folded(text: str) -> tuple[str, list[int]]:
    """The text NFKC-folded character by character, and for each folded character the index of
    the character it came from."""
    parts = [_fold(char) for char in text]
    if all(len(part) == 1 for part in parts):
        return "".join(parts), list(range(len(text)))
    origin = [index for index, part in enumerate(parts) for _ in part]
    return "".join(parts), origin
