"""The review view of a plan's drafts: the text with every draft highlighted where it was read,
its fields beside it, and the sentences that held a number but gave no draft."""

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape

from portal.curate.extract import FIGURE_KINDS, Draft

_DIGIT = re.compile(r"[0-9０-９]")
_SENTENCE = re.compile(r"[^。！？；!?;]*[。！？；!?;]?")


@dataclass(frozen=True)
class Piece:
    """A run of a line's text: plain, a draft (by its number) or a number left undrafted."""

    text: str
    draft: int | None = None
    undrafted: bool = False


@dataclass(frozen=True)
class Paragraph:
    number: int  # line of the text, from 1
    pieces: list[Piece]
    drafts: list[tuple[int, Draft]]  # (number of the draft, draft) read in this line
    heading: Draft | None


@dataclass(frozen=True)
class Missed:
    """A sentence with a number and no draft."""

    line: int
    section: str
    sentence: str


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("portal.curate", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def paragraphs(text: str, drafts: list[Draft]) -> tuple[list[Paragraph], list[Missed]]:
    """The text's lines with their drafts in place, and the sentences that gave none."""
    by_line: dict[int, list[tuple[int, Draft]]] = defaultdict(list)
    for number, draft in enumerate(drafts, 1):
        if draft.at:
            by_line[draft.at[0]].append((number, draft))
    result, missed, section = [], [], ""
    for index, raw in enumerate(text.splitlines()):
        line = raw.strip()
        if not line:
            continue
        here = by_line.get(index, [])
        heading = next((d for _, d in here if d.kind == "program"), None)
        figures = [(n, d) for n, d in here if d.kind in FIGURE_KINDS]
        section = heading.section if heading else (figures[0][1].section if figures else section)
        # A heading's number (1. or (2)) is no figure.
        label = line.find(heading.title_zh) if heading and heading.title_zh else 0
        result.append(Paragraph(index + 1, _pieces(line, figures, label), figures, heading))
        spans = [(d.at[1], d.at[2]) for _, d in figures]
        for m in _SENTENCE.finditer(line):
            sentence = m.group()
            numbered = sentence[max(0, label - m.start()) :] if m.start() < label else sentence
            if not sentence or not _DIGIT.search(numbered):
                continue
            if not any(m.start() <= start < m.end() for start, _ in spans):
                missed.append(Missed(index + 1, section, sentence.strip()))
    return result, missed


def _pieces(line: str, figures: list[tuple[int, Draft]], label: int = 0) -> list[Piece]:
    pieces, at = [Piece(line[:label])] if label > 0 else [], max(label, 0)
    for number, draft in sorted(figures, key=lambda f: f[1].at[1]):
        start, end = draft.at[1], draft.at[2]
        if start < at:
            continue
        pieces.extend(_plain(line[at:start]))
        pieces.append(Piece(line[start:end], draft=number))
        at = end
    pieces.extend(_plain(line[at:]))
    return pieces


def _plain(text: str) -> list[Piece]:
    """Plain text, with the numbers in it (dates, codes, names) marked as not drafted."""
    pieces, at = [], 0
    for m in re.finditer(r"[0-9０-９][0-9０-９.．,，%％]*", text):
        if m.start() > at:
            pieces.append(Piece(text[at : m.start()]))
        pieces.append(Piece(m.group(), undrafted=True))
        at = m.end()
    if at < len(text):
        pieces.append(Piece(text[at:]))
    return pieces


def render_review(text: str, drafts: list[Draft], plan_id: str, source_name: str = "") -> str:
    """The review view as one self-contained HTML page."""
    rows, missed = paragraphs(text, drafts)
    counts = {kind: sum(d.kind == kind for d in drafts) for kind in (*FIGURE_KINDS, "program")}
    figures = [d for d in drafts if d.kind in FIGURE_KINDS]
    return (
        _environment()
        .get_template("review.html")
        .render(
            plan_id=plan_id,
            source_name=source_name,
            paragraphs=[
                p for p in rows if p.drafts or p.heading or any(x.undrafted for x in p.pieces)
            ],
            missed=missed,
            counts=counts,
            without_indicator=sum(not d.indicator_id for d in figures),
            without_year=sum(not d.year for d in figures),
        )
    )
