"""What validation reports: each problem with its file, row and column."""

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one place of a CSV, in words a curator can act on."""

    file: str
    row: int | None  # line of the file: 1 is the header, 2 the first data row
    column: str | None
    code: str  # encoding-error, format-error, header-error, type-error, constraint-error, ...
    message: str
    value: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = ", ".join(
            part
            for part in (
                self.file,
                f"row {self.row}" if self.row is not None else "",
                f"column {self.column}" if self.column else "",
            )
            if part
        )
        text = f"{where}: {self.code}: {self.message}"
        if self.value is not None:
            text += f" (found {self.value!r})"
        if self.hint:
            text += f". Hint: {self.hint}"
        return text

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Report:
    """What validation found: the problems, and the typed rows of every table."""

    problems: list[Problem] = field(default_factory=list)
    tables: dict[str, list[dict]] = field(default_factory=dict)
    rows_read: int = 0

    @property
    def valid(self) -> bool:
        return not self.problems


class InvalidData(Exception):
    """The datasets did not validate; `report` lists why."""

    def __init__(self, report: Report):
        self.report = report
        super().__init__(f"{len(report.problems)} problem(s) in the datasets")
