"""Datasette plugin hooks of the portal, registered by portal.site."""

from datasette import hookimpl

from . import search

NOTHING = '""'  # an FTS5 query that matches no row


def escape_fts(query: str) -> str:
    """Datasette's search box, with the portal's Chinese-aware query (see portal.search)."""
    return search.fts_query(query or "") or NOTHING


@hookimpl(trylast=True)
def prepare_connection(conn):
    # trylast: replace Datasette's own escape_fts, which its default plugin registers first.
    conn.create_function("escape_fts", 1, escape_fts, deterministic=True)
