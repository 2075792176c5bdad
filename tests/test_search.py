"""Search in Chinese and English, through the API and Datasette's own search box."""

import sqlite3

import pytest

from portal.web import search

# query, rows it must find (kind:id), rows it must not find
CASES = [
    ("专", {"target:sc27-t003"}, set()),  # 1 character: 专精特新
    ("专利", {"achievement:bj16-a003", "target:sc27-t010"}, {"target:sc27-t002"}),  # 2 characters
    ("人才", {"target:sc27-t007", "indicator:thousand_talents"}, {"target:sc27-t002"}),
    ("孵化器", {"indicator:incubators", "program:tz13-p011"}, {"indicator:maker_spaces"}),  # 3
    (
        "高新技术企业",
        {
            "indicator:high_tech_enterprises",
            "target:sc27-t002",
            "achievement:tz13-a016",
            "achievement:bj16-a008",
        },
        {"target:sc27-t003"},
    ),  # 6
    ("patent", {"indicator:invention_patent_grants", "target:sc27-t010"}, {"target:sc27-t002"}),
    ("patents", {"indicator:invention_patent_grants"}, set()),
    ("high-tech", {"indicator:high_tech_enterprises", "target:sc27-t002"}, {"target:sc27-t003"}),
    ("HIGH-TECH", {"indicator:high_tech_enterprises"}, set()),
    ("1500", {"target:sc27-t002"}, {"target:sc27-t003"}),
    ("2027", {"plan:subcentre-st-doubling-2027", "target:sc27-t002"}, {"target:bd14-t002"}),
    (
        "人才 2027",
        {"target:sc27-t007", "target:sc27-t008", "target:sc27-t009"},
        {"target:tz13-t001", "indicator:thousand_talents"},
    ),
    ("talent 2027", {"target:sc27-t007"}, {"target:tz13-t001"}),
    ("１５００", {"target:sc27-t002"}, set()),  # full-width digits
    ("incub", {"indicator:incubators", "program:tz13-p011"}, {"indicator:high_tech_enterprises"}),
    ("Baodi", {"plan:baodi-st-14fyp"}, {"plan:tongzhou-st-13fyp"}),
    # a word with inner punctuation is a phrase: R and D together, not any r… and d… words
    ("R&D", {"indicator:rd_intensity", "target:tz13-t005"}, {"target:sc27-t003"}),
    ("2.8", {"target:bd14-t001"}, set()),
    ("150", {"achievement:bj16-a091", "target:sc27-t009"}, {"target:sc27-t002"}),  # not 1500
    ("研发 2025", {"target:bd14-t001"}, {"target:sc27-t010"}),
    ("专利 火星", set(), {"achievement:bj16-a003"}),  # every word must match
    ("zyxwvut", set(), set()),
]


@pytest.fixture(scope="module")
def conn(db_path):
    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    yield connection
    connection.close()


def found(conn, query):
    hits, total, _ = search.search(conn, query, limit=1000)
    assert len(hits) == total
    return {f"{h.kind}:{h.id}" for h in hits}


@pytest.mark.parametrize("query, must, must_not", CASES, ids=[c[0] for c in CASES])
def test_search_finds_what_it_must_and_nothing_it_must_not(conn, query, must, must_not):
    hits = found(conn, query)
    assert must <= hits
    assert not (must_not & hits)
    if not must:
        assert hits == set()


def test_chinese_terms_match_exactly_where_the_characters_stand_together(conn):
    """Checked against a plain substring scan: the index misses nothing and adds nothing."""
    for term in ("专利", "人才", "孵化", "企业", "平台", "基地", "科普"):
        scan = {
            f"target:{r[0]}"
            for r in conn.execute(
                "SELECT target_id FROM targets t JOIN indicators i USING (indicator_id) "
                "JOIN themes th ON th.theme_id = i.theme_id "
                "WHERE instr(i.name_zh || th.name_zh || t.source_quote || "
                "coalesce(t.note_en, ''), ?)",
                [term],
            )
        }
        assert {h for h in found(conn, term) if h.startswith("target:")} == scan, term


@pytest.mark.parametrize("term", ["孵化器", "人才", "平台", "科技", "企业", "patent", "talent"])
def test_a_name_match_ranks_before_a_match_deep_in_a_quote(conn, term):
    hits, _, _ = search.search(conn, term, limit=1000)
    in_name = [term in f"{h.name_zh} {h.name_en}".lower() for h in hits]
    assert any(in_name) and not all(in_name)
    # every hit whose name holds the term comes before every hit that has it elsewhere only
    assert in_name == sorted(in_name, reverse=True), [
        (h.kind, h.id) for h, named in zip(hits, in_name, strict=True) if not named
    ][:3]


def test_a_snippet_begins_at_a_sentence_rather_than_mid_word():
    text = "Patents granted in the year, given in the row's note. 一年内获得授权的专利数量。"
    assert search.snippet(text, "专利", width=40) == "…一年内获得授权的<mark>专利</mark>数量。"


def test_snippets_mark_the_matches_and_escape_everything_else():
    text = "<b>高新技术企业</b>突破1500家"
    assert search.snippet(text, "1500") == "&lt;b&gt;高新技术企业&lt;/b&gt;突破<mark>1500</mark>家"


@pytest.mark.parametrize(
    "text, query, expected",
    [
        ("新增1500家，其中150家", "150", "新增1500家，其中<mark>150</mark>家"),  # whole numbers
        ("Invention patents granted", "patent", "Invention <mark>patents</mark> granted"),
        ("compatent patents", "patent", "compatent <mark>patents</mark>"),  # from a word's start
        ("全区R&D经费占GDP", "R&D", "全区<mark>R&amp;D</mark>经费占GDP"),  # not the D of GDP
        ("突破１５００家，", "1500", "突破<mark>１５００</mark>家，"),  # the text as written
        # a character that folds to two ("㎡" → "m2") shifts what follows it: marked as written
        ("面积1㎡，新增150家", "150", "面积1㎡，新增<mark>150</mark>家"),
        ("高新技术企业突破1500家", "企业 1500", "高新技术<mark>企业</mark>突破<mark>1500</mark>家"),
    ],
)
def test_snippets_mark_what_the_index_matched_in_the_text_as_written(text, query, expected):
    assert search.snippet(text, query) == expected


@pytest.mark.parametrize("query", ["", "   ", "!!!", "“”、。", "AND OR NOT", '"*^:()', "x" * 500])
def test_odd_queries_give_an_empty_result_or_a_400_never_an_error(api, query):
    response = api.get("/api/v1/search", query_string={"q": query})
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert response.json["errors"]["q"]
    else:
        assert response.json["data"] == [] or query == "AND OR NOT"


def test_the_search_api_answers_in_the_envelope(api):
    body = api.get("/api/v1/search?q=1500").json
    assert body["meta"]["total"] == 1
    assert body["data"] == [
        {
            "kind": "target",
            "id": "sc27-t002",
            "plan_id": "subcentre-st-doubling-2027",
            "name_zh": "高新技术企业",
            "name_en": "high-tech enterprises",
            "snippet": "高新技术企业突破<mark>1500</mark>家",
            "score": body["data"][0]["score"],
            "api_url": "/api/v1/targets/sc27-t002",
            "url": body["data"][0]["url"],
        }
    ]


def test_each_hit_links_to_the_reading_page_that_shows_it(api):
    hits = api.get("/api/v1/search?q=孵化器&limit=100").json["data"]
    assert {h["kind"] for h in hits} >= {"indicator", "program", "achievement"}
    for hit in hits:
        path, _, anchor = hit["url"].partition("#")
        page = api.get(path)
        assert page.status_code == 200, hit["url"]
        if anchor:
            assert f'id="{anchor}"' in page.get_data(as_text=True), hit["url"]
        assert api.get(hit["api_url"]).json["data"]


def test_search_pages_through_all_hits(api):
    first = api.get("/api/v1/search?q=企业&limit=5").json
    seen, url = [], "/api/v1/search?q=企业&limit=5"
    while url:
        body = api.get(url).json
        seen += [(h["kind"], h["id"]) for h in body["data"]]
        url = body["links"]["next"]
    assert len(seen) == len(set(seen)) == first["meta"]["total"]


@pytest.mark.parametrize(
    "table, term, key, expected",
    [
        ("plans", "宝坻", "plan_id", {"baodi-st-14fyp"}),
        ("indicators", "专利", "indicator_id", {"invention_patent_grants"}),
        ("programs", "孵化", "program_id", {"tz13-p011"}),
        ("targets", "人才", "target_id", {"sc27-t007"}),
        ("achievements", "专利", "achievement_id", {"bj16-a003"}),
    ],
)
def test_datasettes_search_box_finds_two_character_terms_in_each_main_table(
    portal, table, term, key, expected
):
    rows = portal.get(f"/portal/{table}.json?_search={term}&_shape=array&_size=max").json()
    assert expected <= {r[key] for r in rows}
    everything = portal.get(f"/portal/{table}.json?_shape=array&_size=max").json()
    assert 0 < len(rows) < len(everything)


def test_datasettes_search_box_finds_two_character_terms(portal):
    rows = portal.get("/portal/targets.json?_search=专利&_shape=array").json()
    assert "sc27-t010" in {r["target_id"] for r in rows}
    assert all("专利" in r["source_quote"] or "patent" in r["indicator_id"] for r in rows)
    assert portal.get("/portal/targets.json?_search=!!&_shape=array").json() == []
    page = portal.get("/portal/programs?_search=孵化器").text
    assert 'name="_search"' in page


@pytest.mark.parametrize(
    "url",
    ["/portal", "/portal/targets", "/portal/targets/sc27-t002", "/portal?sql=select+1"],
)
def test_the_search_page_is_reached_from_the_data_tables_too(portal, url):
    page = portal.get(url)
    assert page.status_code == 200
    assert 'href="/search"' in page.text


def test_hits_are_counted_up_to_a_limit_and_the_total_says_so(api, monkeypatch):
    exact = api.get("/api/v1/search?q=企业").json["meta"]
    assert exact["total_exact"] is True and exact["total"] > 10
    monkeypatch.setattr(search, "COUNT_LIMIT", 3)
    meta = api.get("/api/v1/search?q=企业&limit=2").json["meta"]
    assert meta["total_exact"] is False
    assert 3 <= meta["total"] <= 3 * len(search.INDEXED) < exact["total"]


class RecordingConnection(sqlite3.Connection):
    def execute(self, sql, *args):
        self.statements.append(sql)
        self.calls = [*getattr(self, "calls", []), (sql, args[0] if args else [])]
        return super().execute(sql, *args)


def test_a_count_reads_no_more_matches_than_its_bound(db_path, monkeypatch):
    conn = sqlite3.connect(
        f"file:{db_path}?mode=ro&immutable=1", uri=True, factory=RecordingConnection
    )
    conn.statements = []
    monkeypatch.setattr(search, "COUNT_LIMIT", 3)
    hits, total, exact = search.search(conn, "企业 2025")
    counts = [s for s in conn.statements if "count(*)" in s]
    assert 2 <= len(counts) <= len(search.INDEXED)  # not where 企业 or 2025 never occurs
    assert all("LIMIT 4)" in s for s in counts)
    assert exact is False and total <= 3 * len(search.INDEXED)
    assert len(hits) > 3  # the bound is on the count, not on the hits shown


PREFIXES = ["专", "高", "patent", "tech", "high-tech", "incub", "innovation 2025", "r&d", "t", "e"]
QUERIES = PREFIXES + [
    "“新 2027",
    "人才 2027",
    "高新技术企业",
    "2027",
    "专利 火星",
    "plan 2025 tech",
]


def by_fts5(conn, query: str) -> list[tuple[str, str, int]]:
    """(kind, id, tier) of every hit, in rank order, from FTS5's own phrases and prefixes, every
    statement run: what search() must find, however it reads the index."""
    from portal.build.search_index import INDEXED, KINDS, fts_table, phrase, terms

    phrases = [phrase(term) for term in terms(query)]
    every, some = " AND ".join(phrases), " OR ".join(phrases)
    ranked = [f"name : ({every})"]
    if len(phrases) > 1:
        ranked.append(f"(({every}) AND (name : ({some}))) NOT (name : ({every}))")
    ranked.append(f"({every}) NOT (name : ({some}))")
    hits = []
    for tier, match in enumerate(ranked):
        for table, (key, *_) in INDEXED.items():
            fts = fts_table(table)
            hits += [
                (KINDS[table], id_, tier)
                for (id_,) in conn.execute(
                    f"SELECT t.{key} FROM {fts} f JOIN {table} t ON t.rowid = f.rowid "
                    f"WHERE f.{fts} MATCH ? ORDER BY f.rowid",
                    [match],
                )
            ]
    return hits


@pytest.mark.parametrize("query", QUERIES)
def test_search_finds_exactly_what_fts5s_own_phrases_and_prefixes_find(conn, query):
    """A prefix is searched as the OR of the indexed tokens it begins, and a table's names are
    not searched for a term they never hold: never wider or narrower than FTS5's own queries."""
    from portal.web import query as queries

    queries._kept.clear()
    hits, total, exact = search.search(conn, query, limit=10_000)
    assert [(h.kind, h.id, h.rank) for h in hits] == by_fts5(conn, query)
    assert exact and total == len(hits)


def test_a_prefix_is_read_as_the_tokens_it_begins_unless_there_are_too_many(conn):
    tech = search.term_in(conn, "indicators", "tech")
    assert '"technology"' in tech.match and " OR " in tech.match and "*" not in tech.match
    assert search.term_in(conn, "programs", "t").match == '"t"*'  # 83 words begin with t
    assert search.term_in(conn, "targets", "高新技术").match == '"高新 新技 技术"'  # no prefix
    nothing = search.term_in(conn, "targets", "zyxwvut")
    assert not nothing.anywhere and not nothing.in_names


def test_names_are_not_searched_for_a_term_they_never_hold(db_path):
    """A year is in no indicator's name: "人才 2027" asks no table's names for every term, and
    a table that holds no 2027 at all is asked nothing (its count is 0 without a statement)."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, factory=RecordingConnection)
    conn.statements = []
    search.search(conn, "人才 2027", limit=1000)
    matched = [(sql, params) for sql, params in conn.calls if "MATCH" in sql]
    matches = [params[-2] if sql.endswith("LIMIT ?") else params[-1] for sql, params in matched]
    assert matches and not any(m.startswith("name : (") for m in matches)
    holds = {
        t for (t,) in conn.execute(f"SELECT table_name FROM {search.TERMS} WHERE term = '2027'")
    }
    asked = {sql.split(" FROM ")[-1].split("_fts")[0] for sql, _ in matched}
    assert asked <= holds and "targets" in asked
