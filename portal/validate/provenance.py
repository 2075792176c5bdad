"""Provenance: every quote is a verbatim passage of its plan's source document."""

import re
from pathlib import Path

from portal.validate.report import Problem

QUOTED_TABLES = {"targets": "target_id", "achievements": "achievement_id", "programs": "program_id"}
_SPACE = re.compile(r"\s+")


def squash(text: str) -> str:
    """Text without line breaks and spaces, which a quote may collapse."""
    return _SPACE.sub("", text)


def check_quotes(tables: dict[str, list[dict]], sources: Path) -> list[Problem]:
    """Quotes not in their source; printed values or qualifiers not in their quote."""
    problems = []
    documents = {}
    for plan in tables["plans"]:
        path = Path(sources) / plan["source_file"]
        if not path.exists():
            problems.append(
                Problem(
                    "plans.csv",
                    plan["_line"],
                    "source_file",
                    "provenance-error",
                    f"the source document is not in {Path(sources).name}/",
                    value=plan["source_file"],
                    hint="name the file as it is in the folder of source documents",
                )
            )
            continue
        documents[plan["plan_id"]] = squash(path.read_text(encoding="utf-8"))
    for table in QUOTED_TABLES:
        for row in tables.get(table, []):
            document = documents.get(row["plan_id"])
            if document is None:
                continue
            quote = squash(row["source_quote"])
            if quote not in document:
                problems.append(
                    Problem(
                        f"{table}.csv",
                        row["_line"],
                        "source_quote",
                        "provenance-error",
                        "the quote is not a verbatim passage of the plan's source",
                        value=row["source_quote"][:80],
                        hint="copy the passage exactly, punctuation included",
                    )
                )
                continue
            for column in ("value_text", "qualifier_zh"):
                if row.get(column) and squash(row[column]) not in quote:
                    problems.append(
                        Problem(
                            f"{table}.csv",
                            row["_line"],
                            column,
                            "provenance-error",
                            "this text does not occur in the row's source_quote",
                            value=row[column],
                            hint="copy it from the quote as printed, or lengthen the quote",
                        )
                    )
    return problems
