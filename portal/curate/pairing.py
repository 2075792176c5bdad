"""Lists read with 分别 ("respectively"): "A企业和B企业分别达到50家和400家" gives 50家 to A and
400家 to B, the first subject the first figure."""

import re

from portal.curate.numbers import Figure

_RESPECTIVELY = re.compile("分别")
_CLAUSE_END = re.compile(r"[,;:。!?]")
_JOINS = re.compile(r"以及|和|、")


def respectively(half: str, figures: list[Figure]) -> dict[int, tuple[str, str]]:
    """For each figure of a 分别 list, its subject and the list of subjects it was read from.

    Keys are positions in `figures`; a list whose subjects and figures differ in number is left
    to the usual reading.
    """
    paired: dict[int, tuple[str, str]] = {}
    for m in _RESPECTIVELY.finditer(half):
        start = 0
        for end in _CLAUSE_END.finditer(half, 0, m.start()):
            start = end.end()
        subjects_text = half[start : m.start()]
        subjects = [s.strip() for s in _JOINS.split(subjects_text) if s.strip()]
        after = _CLAUSE_END.search(half, m.end())
        clause_end = after.start() if after else len(half)
        listed = [i for i, f in enumerate(figures) if m.end() <= f.start < clause_end]
        if len(subjects) >= 2 and len(listed) == len(subjects):
            for index, subject in zip(listed, subjects, strict=True):
                paired[index] = (subject, subjects_text)
    return paired
