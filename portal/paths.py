"""Where the portal's files live: the curated datasets, their schemas and the built database."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATASETS = ROOT / "datasets"
SCHEMAS = ROOT / "schemas"
METADATA = ROOT / "metadata.yml"
BUILD = ROOT / "build"
CHANGELOG = DATASETS / "CHANGELOG.md"
NODE_MODULES = ROOT / "node_modules"
TEMPLATES = Path(__file__).resolve().parent / "web" / "templates"


def database_path() -> Path:
    """The database the server reads: `PORTAL_DB`, or build/portal.db."""
    return Path(os.environ.get("PORTAL_DB") or BUILD / "portal.db")
