"""The data release: its version and date, read from datasets/CHANGELOG.md."""

import re
from dataclasses import dataclass
from pathlib import Path

from portal import paths

_HEADING = re.compile(
    r"^##\s+\[?(?P<version>\d+\.\d+\.\d+)\]?\s*[-—–(]*\s*(?P<date>\d{4}-\d{2}-\d{2})", re.MULTILINE
)


@dataclass(frozen=True)
class Release:
    version: str
    date: str


class NoRelease(Exception):
    """The changelog names no release."""


def current_release(changelog: Path | None = None) -> Release:
    """The newest release: the first '## VERSION — DATE' heading of the changelog."""
    changelog = Path(changelog or paths.CHANGELOG)
    match = _HEADING.search(changelog.read_text(encoding="utf-8"))
    if not match:
        raise NoRelease(f"{changelog.name} has no heading like '## 1.0.0 — 2026-11-25'")
    return Release(match["version"], match["date"])


def releases(changelog: Path | None = None) -> list[tuple[Release, str]]:
    """Every release of the changelog, newest first, with the text under its heading."""
    text = Path(changelog or paths.CHANGELOG).read_text(encoding="utf-8")
    matches = list(_HEADING.finditer(text))
    return [
        (
            Release(match["version"], match["date"]),
            text[
                text.index("\n", match.end()) + 1 if "\n" in text[match.end() :] else len(text) : (
                    matches[index + 1].start() if index + 1 < len(matches) else len(text)
                )
            ].strip(),
        )
        for index, match in enumerate(matches)
    ]
