"""The data releases: each release of the changelog with its notes and what it changed.

The notes are the changelog's section under the release's heading, rendered from Markdown.
What a release added, removed and changed comes from `portal diff` (portal.curate.diff)
between the data of the previous release and its own: the newest release is the datasets/
folder; an older one is the repository's last commit of the release's day that came before
the next release's heading (a release's data and heading are committed on its date; the next
release's corrections after it, or on a later day).
Where the repository's history is not at hand (an image built without .git), a release
carries its notes only.
"""

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from markdown_it import MarkdownIt
from markupsafe import Markup

from portal import paths
from portal.curate.diff import TableDiff, diff_tables, git, read_version
from portal.release import Release, releases
from portal.tableschema import load_schemas

# Raw HTML in the changelog is shown as text, never passed through.
_MARKDOWN = MarkdownIt("js-default")


@dataclass(frozen=True)
class ReleaseNotes:
    version: str
    date: str
    notes: str  # Markdown, as the changelog words it
    changes: tuple[TableDiff, ...] | None  # None where the history is not at hand
    previous: str | None  # the version it is compared with; None for the first release

    @property
    def release(self) -> Release:
        return Release(self.version, self.date)

    @property
    def notes_html(self) -> Markup:
        return Markup(_MARKDOWN.render(self.notes))

    def counts(self) -> list[tuple[str, int, int, int]]:
        """(table, added, removed, changed) for each table the release touched."""
        return [(d.table, len(d.added), len(d.removed), len(d.changed)) for d in self.changes or ()]


def release_history(
    changelog: Path | None = None, datasets: Path | None = None, repo: Path | None = None
) -> list[ReleaseNotes]:
    """Every release of the changelog, newest first, with its notes and its changes."""
    changelog = Path(changelog or paths.CHANGELOG)
    stat = changelog.stat()
    return list(
        _history(
            str(changelog),
            str(datasets or changelog.parent),
            str(repo or paths.ROOT),
            stat.st_mtime_ns,
            stat.st_ino,
        )
    )


@lru_cache(maxsize=4)
def _history(changelog: str, datasets: str, repo: str, *_identity) -> tuple[ReleaseNotes, ...]:
    found = releases(Path(changelog))
    states = _states([r for r, _ in found], Path(changelog), Path(datasets), Path(repo))
    schemas = load_schemas()
    history = []
    for index, (release, notes) in enumerate(found):
        previous = found[index + 1][0].version if index + 1 < len(found) else None
        changes = None
        if states is not None:
            after = read_version(states[index], list(schemas), Path(repo))
            before = (
                read_version(states[index + 1], list(schemas), Path(repo))
                if previous
                else dict.fromkeys(schemas)
            )
            changes = tuple(
                d
                for name in schemas
                if (d := diff_tables(name, schemas[name].primary_key, before[name], after[name]))
            )
        history.append(ReleaseNotes(release.version, release.date, notes, changes, previous))
    return tuple(history)


def _states(
    releases: list[Release], changelog: Path, datasets: Path, repo: Path
) -> list[str] | None:
    """Where each release's data is: the datasets folder for the newest; for an older one, the
    last commit of its day before the next release's heading came into the changelog. None
    without the history."""
    states = [str(datasets)]
    relative = os.path.relpath(changelog.resolve(), repo.resolve())
    for newer, release in zip(releases, releases[1:], strict=False):
        heading = f"^## \\[?{re.escape(newer.version)}"
        commits = _git(repo, "log", "--format=%H", "-G", heading, "--", relative)
        if not commits:
            return None
        introduced = commits.split()[-1]  # the oldest: where the heading first appeared
        commit = _git(
            repo, "rev-list", "-1", f"--before={release.date} 23:59:59 +0000", f"{introduced}^"
        )
        if not commit:
            return None
        states.append(commit)
    return states


def _git(repo: Path, *args: str) -> str | None:
    printed = git(repo, *args)
    return None if printed is None else printed.strip()
