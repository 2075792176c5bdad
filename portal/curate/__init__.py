"""Curators' tools: drafting rows from a new document, Chinese numbers, comparing releases."""
