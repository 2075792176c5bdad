"""The Table Schemas in schemas/: the one definition of every table and column, curated or derived.

A derived table's field may say `"sameAs": "targets.plan_id"`: it is that column, defined once in
the table it comes from, with any property the field gives besides (its constraints, say) in place
of the source's. Loading resolves it, so every schema here is a whole Frictionless Table Schema.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from portal import paths

# Load order: a table comes after the tables its foreign keys point to.
TABLES = ("regions", "plans", "themes", "indicators", "targets", "achievements", "programs")
# What the build derives from them, in the order it writes them.
DERIVED_TABLES = ("series", "progress")


@dataclass(frozen=True)
class FieldType:
    """What a Table Schema type is in SQLite and in Python."""

    sqlite: str
    python: type
    numeric: bool


TYPES = {
    "string": FieldType("TEXT", str, False),
    "integer": FieldType("INTEGER", int, True),
    "number": FieldType("REAL", float, True),
    "date": FieldType("TEXT", str, False),
}


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
    def enum(self) -> list | None:
        return self.constraints.get("enum")

    @property
    def sqlite_type(self) -> str:
        return TYPES[self.type].sqlite

    @property
    def python_type(self) -> type:
        return TYPES[self.type].python

    @property
    def numeric(self) -> bool:
        return TYPES[self.type].numeric


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

    @property
    def title_zh(self) -> str:
        return self.descriptor.get("title_zh", self.title)

    @property
    def description_zh(self) -> str:
        return self.descriptor.get("description_zh", self.description)

    @property
    def derived_from(self) -> tuple[str, ...]:
        return tuple(self.descriptor.get("derivedFrom", ()))

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.name} has no column {name!r}")

    def create_sql(self) -> str:
        """CREATE TABLE with the schema's types, NOT NULLs, primary key and foreign keys."""
        columns = [
            f"[{f.name}] {f.sqlite_type}" + (" NOT NULL" if f.required else "") for f in self.fields
        ]
        columns.append("PRIMARY KEY (" + ", ".join(f"[{c}]" for c in self.primary_key) + ")")
        for fk in self.foreign_keys:
            source, target = ", ".join(fk.fields), ", ".join(fk.columns)
            columns.append(f"FOREIGN KEY ({source}) REFERENCES [{fk.table}] ({target})")
        return f"CREATE TABLE [{self.name}] (\n    " + ",\n    ".join(columns) + "\n)"


def _names(value) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, list) else (value,)


def from_descriptor(name: str, descriptor: dict) -> TableSchema:
    """A TableSchema from a Frictionless Table Schema descriptor (with sameAs resolved)."""
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
            fields=_names(fk["fields"]),
            # Frictionless writes a reference to the table itself as an empty resource name.
            table=fk["reference"]["resource"] or name,
            columns=_names(fk["reference"]["fields"]),
        )
        for fk in descriptor.get("foreignKeys", [])
    )
    return TableSchema(
        name=name,
        title=descriptor.get("title", name),
        description=descriptor.get("description", ""),
        fields=fields,
        primary_key=_names(pk),
        foreign_keys=foreign_keys,
        descriptor=descriptor,
    )


def resolve(descriptor: dict, sources: dict[str, TableSchema]) -> dict:
    """The descriptor with every `sameAs` field replaced by the column it names."""
    fields = []
    for f in descriptor["fields"]:
        if "sameAs" in f:
            table, column = f["sameAs"].split(".")
            source = next(s for s in sources[table].descriptor["fields"] if s["name"] == column)
            f = {**source, **{k: v for k, v in f.items() if k != "sameAs"}}
        fields.append(f)
    return {**descriptor, "fields": fields}


def _read(folder: Path, name: str) -> dict:
    return json.loads((folder / f"{name}.schema.json").read_text(encoding="utf-8"))


def load_schemas(directory: Path | None = None, *, derived: bool = False) -> dict[str, TableSchema]:
    """Every curated table's schema, in load order; with derived=True, the derived tables' too."""
    directory = Path(directory or paths.SCHEMAS)
    schemas = {name: from_descriptor(name, _read(directory, name)) for name in TABLES}
    return with_derived(schemas) if derived else schemas


def with_derived(schemas: dict[str, TableSchema]) -> dict[str, TableSchema]:
    """The curated schemas and the derived tables' after them. The derived tables are the
    portal's own, always read from schemas/; their sameAs columns resolve against the curated
    schemas given (a synthetic dataset's, say)."""
    everything = dict(schemas)
    for name in DERIVED_TABLES:
        everything[name] = from_descriptor(name, resolve(_read(paths.SCHEMAS, name), everything))
    return everything


def descriptors(schemas: dict[str, TableSchema]) -> str:
    """Every schema as one JSON document, as the build stores it beside the data it describes."""
    return json.dumps({name: s.descriptor for name, s in schemas.items()}, ensure_ascii=False)


def from_json(text: str) -> dict[str, TableSchema]:
    """The schemas a database was built with (see descriptors)."""
    return {name: from_descriptor(name, d) for name, d in json.loads(text).items()}
