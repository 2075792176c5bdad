"""The Table Schemas in schemas/: the one definition of every table and column."""

import json
from dataclasses import dataclass, field
from pathlib import Path

from portal import paths

# Load order: a table comes after the tables its foreign keys point to.
TABLES = ("regions", "plans", "themes", "indicators", "targets", "achievements", "programs")

SQLITE_TYPES = {"string": "TEXT", "integer": "INTEGER", "number": "REAL", "date": "TEXT"}


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    title: str
    description: str
    constraints: dict = field(default_factory=dict)
    title_zh: str = ""

    @property
    def required(self) -> bool:
        return bool(self.constraints.get("required"))

    @property
    def sqlite_type(self) -> str:
        return SQLITE_TYPES[self.type]


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    table: str
    columns: tuple[str, ...]


@dataclass(frozen=True)
class TableSchema:
    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...]
    descriptor: dict

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.name} has no column {name!r}")


def from_descriptor(name: str, descriptor: dict) -> TableSchema:
    """A TableSchema from a Frictionless Table Schema descriptor."""
    fields = tuple(
        Field(
            name=f["name"],
            type=f.get("type", "string"),
            title=f.get("title", f["name"]),
            description=f.get("description", ""),
            constraints=f.get("constraints", {}),
            title_zh=f.get("title_zh", ""),
        )
        for f in descriptor["fields"]
    )
    pk = descriptor.get("primaryKey", [])
    foreign_keys = tuple(
        ForeignKey(
            fields=tuple(fk["fields"]) if isinstance(fk["fields"], list) else (fk["fields"],),
            # Frictionless writes a reference to the table itself as an empty resource name.
            table=fk["reference"]["resource"] or name,
            columns=tuple(fk["reference"]["fields"])
            if isinstance(fk["reference"]["fields"], list)
            else (fk["reference"]["fields"],),
        )
        for fk in descriptor.get("foreignKeys", [])
    )
    return TableSchema(
        name=name,
        title=descriptor.get("title", name),
        description=descriptor.get("description", ""),
        fields=fields,
        primary_key=tuple(pk) if isinstance(pk, list) else (pk,),
        foreign_keys=foreign_keys,
        descriptor=descriptor,
    )


def load_schemas(directory: Path | None = None) -> dict[str, TableSchema]:
    """Every table's schema, in load order."""
    directory = Path(directory or paths.SCHEMAS)
    schemas = {}
    for name in TABLES:
        descriptor = json.loads((directory / f"{name}.schema.json").read_text(encoding="utf-8"))
        schemas[name] = from_descriptor(name, descriptor)
    return schemas
