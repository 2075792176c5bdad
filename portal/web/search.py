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
    TOKEN,
    fts_table,
    pairs,
    phrase,
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
# word has hundreds of thousands at national scale: the bound keeps a query's first count (before
# it is kept) to a millisecond or two. A query of one token needs no counting (below).
COUNT_LIMIT = 1_000


# --- what the index's vocabulary tells before a match is read ---------------------------------
#
# The build's full-text index knows, for each token, how many rows hold it, in their names and
# in their bodies (fts5vocab). That answers, for the price of a lookup, the count of a query of
# one token, and whether a tier can have any hit at all: a tier that cannot is not scanned (a
# "name" tier of "patent 2020" would otherwise read every row holding 2020 to find none).

_PLAIN_TOKEN = re.compile("[a-z0-9]+")


def phrase_tokens(term: str) -> tuple[list[str], bool]:
    """The index's tokens of a query term, as phrase() matches them; whether the last is a
    prefix."""
    if CJK_CHAR.match(term):
        return ([term], True) if len(term) == 1 else (pairs(term)[:-1], False)
    tokens = TOKEN.findall(term)
    return tokens, not CJK_CHAR.match(tokens[-1]) and not tokens[-1].isdigit()


def _vocabulary(conn: sqlite3.Connection, table: str, kind: str) -> str:
    """A temporary fts5vocab table over a table's index (made once a connection: the file is
    read-only, the temporary schema is the connection's own)."""
    name = f"temp.{fts_table(table)}_{kind}"
    try:
        conn.execute(f"SELECT 1 FROM {name} LIMIT 0")
    except sqlite3.OperationalError:
        conn.execute(
            f"CREATE VIRTUAL TABLE {name} USING fts5vocab(main, {fts_table(table)}, {kind})"
        )
    return name


def token_rows(
    conn: sqlite3.Connection, table: str, token: str, prefix: bool
) -> tuple[int, int, int] | None:
    """How many rows hold the token (or, as a prefix, a token it begins) in their names, in their
    bodies and in either; None for a token the index may fold otherwise (accents, other scripts).
    With a prefix the counts of several tokens add up: only whether they are 0 is exact."""
    if not (CJK_CHAR.match(token) or _PLAIN_TOKEN.fullmatch(token)):
        return None
    where, values = "term = ?", [token]
    if prefix:
        where, values = "term >= ? AND term < ?", [token, token[:-1] + chr(ord(token[-1]) + 1)]
    columns = dict(
        conn.execute(
            f"SELECT col, sum(doc) FROM {_vocabulary(conn, table, 'col')} WHERE {where} "
            "GROUP BY col",
            values,
        ).fetchall()
    )
    either = conn.execute(
        f"SELECT coalesce(sum(doc), 0) FROM {_vocabulary(conn, table, 'row')} WHERE {where}",
        values,
    ).fetchone()[0]
    return columns.get("name", 0), columns.get("body", 0), either


@dataclass
class Reach:
    """Where a query's phrases can be found in one table, by the vocabulary alone."""

    in_name: list[bool]  # each phrase: every token of it occurs in some row's name
    in_body: list[bool]
    rows: int | None  # the exact count of rows that match, when the vocabulary gives it

    @property
    def anywhere(self) -> bool:
        return all(n or b for n, b in zip(self.in_name, self.in_body, strict=True))

    def tier_possible(self, tier: int, tiers: int) -> bool:
        """Whether a tier of tiers() can have a hit: 0 every phrase in the name, then (of three)
        some phrase in the name, and last every phrase in the body."""
        if not self.anywhere:
            return False
        if tier == 0:
            return all(self.in_name)
        if tier == tiers - 1:
            return all(self.in_body)
        return any(self.in_name)


def reach(conn: sqlite3.Connection, table: str, query_terms: list[str]) -> Reach:
    in_name, in_body, rows = [], [], None
    for term in query_terms:
        tokens, prefix = phrase_tokens(term)
        counts = [
            token_rows(conn, table, token, prefix and i == len(tokens) - 1)
            for i, token in enumerate(tokens)
        ]
        in_name.append(all(c is None or c[0] > 0 for c in counts))
        in_body.append(all(c is None or c[1] > 0 for c in counts))
        if len(query_terms) == 1 and len(tokens) == 1 and not prefix and counts[0] is not None:
            rows = counts[0][2]
    return Reach(in_name, in_body, rows)


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
    count the rows that hold each term.) A query of one token is counted by the index's
    vocabulary, exactly; others are counted up to COUNT_LIMIT per kind, once per file, and kept.
    Tiers the vocabulary shows to be empty are not read.
    """
    query_terms = terms(query)
    phrases = [phrase(term) for term in query_terms]
    if not phrases:
        return [], 0, True
    tables = [t for t in INDEXED if kinds is None or t in kinds]
    reaches = {t: reach(conn, t, query_terms) for t in tables}
    every = " AND ".join(phrases)
    total, exact = 0, True
    for t in tables:
        if not reaches[t].anywhere:
            continue
        if reaches[t].rows is not None:
            total += reaches[t].rows
            continue
        found = cached_count(
            conn,
            f"SELECT count(*) FROM (SELECT 1 FROM {fts_table(t)} WHERE {fts_table(t)} MATCH ? "
            f"LIMIT {COUNT_LIMIT + 1})",
            [every],
        )
        total += min(found, COUNT_LIMIT)
        exact = exact and found <= COUNT_LIMIT
    wanted, chosen = offset + limit, []  # (tier, table, rowid) in rank order
    matches = tiers(phrases)
    for tier, match in enumerate(matches):
        for table in tables:
            if len(chosen) >= wanted:
                break
            if not reaches[table].tier_possible(tier, len(matches)):
                continue
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


def _folded(text: str) -> tuple[str, list[int]]:
    """The text NFKC-folded character by character, and for each folded character the index of
    the character it came from."""
    folded, origin = [], []
    for index, char in enumerate(text):
        for part in unicodedata.normalize("NFKC", char):
            folded.append(part)
            origin.append(index)
    return "".join(folded), origin
