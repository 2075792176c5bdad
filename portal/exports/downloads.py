"""Every download of a release, written together into one folder."""

import os
import shutil
from pathlib import Path

from portal import paths
from portal.exports.datapackage import NAME, build_data_package
from portal.exports.files import publish
from portal.exports.tables import data_release
from portal.release import Release


def downloads_path() -> Path:
    """The folder of downloads: `PORTAL_DOWNLOADS`, or build/downloads (ignored by git)."""
    return Path(os.environ.get("PORTAL_DOWNLOADS") or paths.BUILD / "downloads")


def copy_database(db_path: Path, out_dir: Path, release: Release | None = None) -> Path:
    """Copy the SQLite database to portal-<version>.db and portal-latest.db; return the first."""
    out_dir = Path(out_dir)
    release = release or data_release(db_path)
    return publish(
        out_dir / f"portal-{release.version}.db",
        out_dir / "portal-latest.db",
        lambda path: shutil.copyfile(db_path, path),
    )


def build_xlsx(db_path: Path, out_dir: Path, release: Release | None = None) -> Path:
    """Write portal-data-<version>.xlsx and portal-data-latest.xlsx; return the first."""
    from portal.exports.xlsx import write_xlsx  # openpyxl only where a workbook is written

    out_dir = Path(out_dir)
    release = release or data_release(db_path)
    return publish(
        out_dir / f"{NAME}-{release.version}.xlsx",
        out_dir / f"{NAME}-latest.xlsx",
        lambda path: write_xlsx(path, db_path),
    )


def build_downloads(db_path: Path | None = None, out_dir: Path | None = None) -> list[Path]:
    """The data package, the workbook and the database of the release, versioned and latest."""
    db_path = Path(db_path or paths.database_path())
    out_dir = Path(out_dir or downloads_path())
    release = data_release(db_path)
    return [
        build_data_package(out_dir, db_path, release),
        build_xlsx(db_path, out_dir, release),
        copy_database(db_path, out_dir, release),
    ]
