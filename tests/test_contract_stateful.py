"""The API's contract, checked by schemathesis as a client would run it: against the real server,
every check (`--checks all`), the fuzzing and the stateful phases over every operation, and the
coverage phase (boundary values, unsupported methods, missing parameters) over one operation of
each kind. Bounded in examples so that it takes a few minutes on two cores; the whole run of
every phase over every operation is in docs/operations.md."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

SCHEMATHESIS = str(Path(sys.executable).parent / "schemathesis")

# A request refused for its size (414, 431) is as much a rejection of invalid data as a 400:
# schemathesis's list of rejections leaves them out only because few servers have such limits.
CONFIG = """
[checks.negative_data_rejection]
expected-statuses = ["400", "404", "405", "406", "414", "422", "431"]
"""

# One operation of each kind: a list, an item, search.
COVERED = "^/api/v1/(targets|targets/\\{target_id\\}|search)$"


def schemathesis(server: str, tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess:
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG, encoding="utf-8")
    return subprocess.run(
        [
            SCHEMATHESIS,
            "--config-file",
            str(config),
            "run",
            f"{server}/api/v1/openapi.json",
            "--checks",
            "all",
            "--workers",
            "2",
            "--seed",
            "15",
            "--generation-database",
            "none",
            "--no-color",
            "--request-timeout",
            "30",
            *arguments,
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.mark.parametrize(
    "arguments",
    [
        ("--phases", "fuzzing,stateful", "--max-examples", "5"),
        ("--phases", "coverage", "--include-path-regex", COVERED),
    ],
    ids=["fuzzing-and-stateful", "coverage"],
)
def test_schemathesis_with_every_check_finds_nothing(server, tmp_path, arguments):
    result = schemathesis(server, tmp_path, *arguments)
    report = result.stdout[-6000:] + result.stderr[-2000:]
    assert result.returncode == 0, report
    generated = re.search(r"(\d+) generated, (\d+) passed\n", result.stdout)
    assert generated and generated[1] == generated[2] and int(generated[1]) > 50, report
    if "stateful" in arguments[1]:
        # The stateful phase ran, following links between operations, and passed.
        assert "Stateful" in result.stdout and "API Links" in result.stdout, report
