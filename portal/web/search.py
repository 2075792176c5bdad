"""Reading the search index: hits ranked by how much of the query their names hold, and
snippets of the text around a match. What is indexed and how is in portal.build.search_index."""

import functools
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
from portal.web.query import cached_count, remembered


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


@dataclass(frozen=True)
class Term:
    """A query term as one table's index can match it."""

    match: str  # a MATCH expression: a phrase, or the OR of the phrases a prefix begins
    anywhere: bool  # whether every token of it occurs in the table (else nothing matches)
    in_names: bool  # whether every token of it occurs in the table's names (else no name does)


def term_in(conn: sqlite3.Connection, table: str, term: str) -> Term:
    """A query term as `table`'s index matches it, read once per file (see _term_in)."""
    return remembered(conn, ("term", table, term), lambda: _term_in(conn, table, term))


def _term_in(conn: sqlite3.Connection, table: str, term: str) -> Term:
    """A query term as `table`'s index matches it, from the table of its tokens (TERMS).

    A prefix ("high tech"*) becomes the OR of the phrases of the tokens it begins ("high tech"
    OR "high technology"): both match the same rows, but FTS5 reads a prefix by merging every
    row of every such token first, the OR only the rows asked for. Whether the tokens occur in
    the table, and in its names, lets a search skip statements that could match nothing.
    """
    tokens, prefix = phrase_tokens(term)
    *head, last = tokens
    exact = head if prefix else tokens
    known = dict(
        conn.execute(
            f"SELECT term, in_name FROM {TERMS} WHERE table_name = ? "
            f"AND term IN ({', '.join('?' * len(exact))})",
            [table, *exact],
        )
        if exact
        else []
    )
    anywhere = all(token in known for token in exact)
    in_names = all(known.get(token) for token in exact)
    if not prefix:
        return Term(phrase(term), anywhere, in_names)
    begun = conn.execute(
        f"SELECT term, in_name FROM {TERMS} WHERE table_name = ? AND term >= ? AND term < ? "
        "ORDER BY term LIMIT ?",
        [table, last, last + "\U0010ffff", MAX_EXPANSION + 1],
    ).fetchall()
    if not begun:  # no token begins so: nothing matches
        return Term(phrase(term), False, False)
    if len(begun) > MAX_EXPANSION:  # not all read: FTS5's prefix, which may match a name
        return Term(phrase(term), anywhere, in_names)
    in_names = in_names and any(in_name for _, in_name in begun)
    match = " OR ".join('"' + " ".join([*head, token]) + '"' for token, _ in begun)
    return Term(f"({match})", anywhere, in_names)


def tiers(found: list[Term]) -> list[str | None]:
    """MATCH expressions for a table's hits with every term in their names, some (when there
    are several terms), and none; None where the table's names cannot hold what is asked."""
    every = " AND ".join(term.match for term in found)
    named = [term.match for term in found if term.in_names]
    some = " OR ".join(named)
    all_named = len(named) == len(found)
    ranked = [f"name : ({every})" if all_named else None]
    if len(found) > 1:
        with_some = f"({every}) AND (name : ({some}))" if named else None
        if with_some and all_named:
            with_some = f"({with_some}) NOT (name : ({every}))"
        ranked.append(with_some)
    ranked.append(f"({every}) NOT (name : ({some}))" if named else every)
    return ranked


def matching(
    conn: sqlite3.Connection, query: str, tables: list[str]
) -> dict[str, list[Term]] | None:
    """Each table's terms for a query, for the tables that may hold a hit; None if the query
    has no term to search."""
    words = terms(query)
    if not words:
        return None
    found = {table: [term_in(conn, table, word) for word in words] for table in tables}
    return {table: terms_ for table, terms_ in found.items() if all(t.anywhere for t in terms_)}


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
    found: dict[str, list[Term]] | None = None,
) -> dict[str, int]:
    """How many hits each table holds for a query (up to COUNT_LIMIT + 1), by table name."""
    tables = [t for t in INDEXED if kinds is None or t in kinds]
    found = matching(conn, query, tables) if found is None else found
    if found is None:
        return {}
    counted = {}
    for table in tables:
        if table not in found:  # a term the table's index does not hold
            counted[table] = 0
            continue
        fts = fts_table(table)
        join, params = _filters(table, plan_id, region_code)
        counted[table] = cached_count(
            conn,
            f"SELECT count(*) FROM (SELECT 1 FROM {fts} f{join} WHERE f.{fts} MATCH ? "
            f"LIMIT {COUNT_LIMIT + 1})",
            [*params, " AND ".join(term.match for term in found[table])],
        )
    return counted


def search(
    conn: sqlite3.Connection,
    query: str,
    kinds: list[str] | None = None,
    limit: int = 20,
    offset: int = 0,
    *,
    plan_id: str | None = None,
    region_code: str | None = None,
    found: dict[str, list[Term]] | None = None,
) -> tuple[list[Hit], int, bool]:
    """The hits for a query across kinds, name matches first; how many; whether that is exact.

    Hits are ranked by how much of the query their names hold (a tier: every term, some, none),
    then by kind (plans, indicators, programmes, targets, achievements) and their order in the
    data. The index reads its matches in that order, so a page reads only as many as it shows:
    a word in a million rows costs what a rare one does. (BM25 would read every match first, to
    count the rows that hold each term.) Hits are counted up to COUNT_LIMIT per kind, once
    per file, and kept. A plan or a region keeps the hits of that plan or region (see _filters).
    `found`: the query's terms as matching() read them for every table, if the caller has them.
    """
    tables = [t for t in INDEXED if kinds is None or t in kinds]
    found = matching(conn, query, tables) if found is None else found
    if found is None:
        return [], 0, True
    found = {table: terms_ for table, terms_ in found.items() if table in tables}
    counted = counts(conn, query, tables, plan_id=plan_id, region_code=region_code, found=found)
    total = sum(min(c, COUNT_LIMIT) for c in counted.values())
    exact = max(counted.values()) <= COUNT_LIMIT
    ranked = {table: tiers(terms_) for table, terms_ in found.items() if counted[table]}
    wanted, chosen = offset + limit, []  # (tier, table, rowid) in rank order
    for tier in range(max(map(len, ranked.values()), default=0)):  # 2 or 3, alike for all
        for table, matches in ranked.items():  # in the order of INDEXED
            if len(chosen) >= wanted:
                break
            if matches[tier] is None:
                continue
            fts = fts_table(table)
            join, params = _filters(table, plan_id, region_code)
            rows = conn.execute(
                f"SELECT f.rowid FROM {fts} f{join} WHERE f.{fts} MATCH ? ORDER BY f.rowid LIMIT ?",
                [*params, matches[tier], wanted - len(chosen)],
            )
            chosen.extend((tier, table, rowid) for (rowid,) in rows)
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


@functools.lru_cache(maxsize=256)
def _query_pattern(query: str) -> re.Pattern | None:
    """Where any term of the query stands in folded text, longest first; None without terms."""
    words = sorted(set(terms(query)), key=len, reverse=True)
    if not words:
        return None
    return re.compile("|".join(map(_pattern, words)), re.IGNORECASE)


def snippet(text: str, query: str, width: int = 80) -> str:
    """HTML: a window of the text around the first match, escaped, each match in <mark>.

    Matching is on the text folded as the index folds it (full-width digits as ASCII), but the
    window shows the text as written: a quote is quoted verbatim.
    """
    pattern = _query_pattern(query)
    if pattern is None or not text:
        return html.escape((text or "")[:width])
    folded, origin = _folded(text)
    found = [(origin[m.start()], origin[m.end() - 1] + 1) for m in pattern.finditer(folded)]
    first = found[0][0] if found else 0
    start = max(0, first - width // 3)
    # Begin at a sentence if one begins in the lead-in: not mid-word in another language's text.
    lead = text[start:first]
    cut = max(lead.rfind(". ") + 2, lead.rfind("。") + 1, lead.rfind("；") + 1)
    if start and cut > 0:
        start += cut
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


class _Folds(dict):
    """Each character's NFKC form, by code point, as met: a table for str.translate, which a
    snippet's text passes through at C speed once its alphabet has been seen (a few thousand
    characters); a new character costs one call to normalize, once per worker."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = unicodedata.normalize("NFKC", chr(code))
        if len(folded) != 1:
            _UNEVEN.add(chr(code))
        return folded


_FOLDS = _Folds()
_UNEVEN: set[str] = set()  # characters whose form is not one character ("㎡" → "m2")


def _folded(text: str) -> tuple[str, list[int] | range]:
    """The text NFKC-folded character by character, and for each folded character the index of
    the character it came from."""
    folded = text.translate(_FOLDS)
    if _UNEVEN.isdisjoint(text):  # every character folded to one: the indexes are the same
        return folded, range(len(text))
    parts = [_FOLDS[ord(char)] for char in text]
    origin = [index for index, part in enumerate(parts) for _ in part]
    return "".join(parts), origin
