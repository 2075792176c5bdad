"""How to cite the data: the compilation, its licence, and each source plan."""

import re
from functools import cache
from pathlib import Path

import yaml

from portal import paths
from portal.release import Release


@cache
def metadata(path: Path | None = None) -> dict:
    """The site metadata (metadata.yml): title, description, licence."""
    return yaml.safe_load(Path(path or paths.METADATA).read_text(encoding="utf-8"))


def licence() -> dict:
    """The data licence as a Data Package `licenses` entry (an SPDX id, its URL and title)."""
    meta = metadata()
    return {
        "name": meta["license"].replace(" ", "-"),  # CC BY 4.0 -> CC-BY-4.0
        "path": meta["license_url"],
        "title": meta["license"],
    }


def title() -> str:
    return metadata()["title"]


def description() -> str:
    """The portal's description in plain text."""
    return re.sub(r"<[^>]+>|\s+", " ", metadata().get("description_html", "")).strip()


def cite_compilation(release: Release) -> str:
    """A suggested citation for the portal's data as a whole, at one release."""
    return f"{title()}, data version {release.version} ({release.date}), {metadata()['license']}."


def cite_plan(plan: dict) -> str:
    """A suggested citation for one source plan: issuer, title, document number and date."""
    number_zh = f"（{plan['doc_number']}）" if plan.get("doc_number") else ""
    number_en = f" ({plan['doc_number']})" if plan.get("doc_number") else ""
    return (
        f"{plan['issuer_zh']}：《{plan['title_zh']}》{number_zh}，{plan['published_on']}。"
        f" {plan['issuer_en']}, {plan['title_en']}{number_en}, {plan['published_on']}."
    )
