"""Known vulnerabilities in the locked dependencies, from PyPI's JSON API.

Every `name==version` of the lock file is looked up on PyPI: first the release's own document
(/pypi/NAME/VERSION/json), which lists the advisories that affect that version; where that is not
served, the project's document (/pypi/NAME/json), which lists them for the latest release only and
so answers for the locked version only when it is the latest. A package neither document describes
is reported as not checked, never as safe.

Exit status: 1 if a locked package has a known vulnerability or the environment does not run the
locked versions; with --strict, 2 if any package could not be checked (PyPI unreachable, or a
locked version older than the latest); else 0, with every unchecked package named on stderr.
"""

import argparse
import json
import re
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

PYPI = "https://pypi.org/pypi"
TIMEOUT = 20
THREADS = 8
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)")


class Unreachable(Exception):
    """PyPI did not answer: a network failure, a time-out or a server error."""


@dataclass
class Result:
    """What PyPI says of one locked package."""

    name: str
    version: str
    checked: bool = False
    vulnerabilities: list[dict] = field(default_factory=list)
    reason: str = ""  # why it was not checked


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def read_lock(path: Path) -> dict[str, tuple[str, str]]:
    """{normalised name: (name, version)} of every `name==version` line."""
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = PIN.match(line.strip())
        if m:
            pins[normalise(m[1])] = (m[1], m[2])
    return pins


def fetch_json(url: str) -> dict | None:
    """The JSON document at url; None for a 404; Unreachable when PyPI does not answer."""
    request = urllib.request.Request(url, headers={"User-Agent": "portal-dependency-audit"})
    for attempt in range(2):
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                return json.load(response)
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return None
            problem = f"HTTP {error.code}"
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
            problem = str(getattr(error, "reason", error))
        if attempt:
            raise Unreachable(problem)
    raise AssertionError("unreachable")


def current(vulnerabilities: list[dict]) -> list[dict]:
    return [v for v in vulnerabilities or [] if not v.get("withdrawn")]


def check(name: str, version: str, fetch=fetch_json) -> Result:
    """The known vulnerabilities of one release, or why they could not be known."""
    result = Result(name, version)
    try:
        release = fetch(f"{PYPI}/{name}/{version}/json")
        if release is not None:
            result.checked = True
            result.vulnerabilities = current(release.get("vulnerabilities"))
            return result
        project = fetch(f"{PYPI}/{name}/json")
    except Unreachable as error:
        result.reason = f"PyPI did not answer ({error})"
        return result
    if project is None:
        result.reason = "not on PyPI"
    elif project.get("info", {}).get("version") == version:
        result.checked = True
        result.vulnerabilities = current(project.get("vulnerabilities"))
    else:
        latest = project.get("info", {}).get("version", "?")
        result.reason = f"PyPI describes only its latest release, {latest}"
    return result


def installed() -> dict[str, str]:
    """{normalised name: version} of the distributions this interpreter sees."""
    return {normalise(d.metadata["Name"]): d.version for d in metadata.distributions()}


def drift(pins: dict[str, tuple[str, str]], present: dict[str, str]) -> list[str]:
    """Locked packages that are missing or installed at another version."""
    return [
        f"{name}=={version} is locked but {present.get(key, 'not')} installed"
        for key, (name, version) in sorted(pins.items())
        if present.get(key) != version
    ]


def describe(v: dict) -> str:
    ids = ", ".join([v.get("id", "?"), *v.get("aliases", [])])
    fixed = ", ".join(v.get("fixed_in") or []) or "no fixed release"
    summary = (v.get("summary") or v.get("details") or "").strip().splitlines()
    return f"{ids} (fixed in {fixed}){': ' + summary[0][:120] if summary else ''}"


def audit(lock: Path, strict: bool = False, fetch=fetch_json, present=None, out=sys.stdout) -> int:
    """Check every locked package; print a report; the exit status (see the module's doc)."""
    pins = read_lock(lock)
    err = sys.stderr if out is sys.stdout else out
    mismatched = drift(pins, installed() if present is None else present)
    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(lambda pin: check(*pin, fetch=fetch), pins.values()))
    vulnerable = [r for r in results if r.vulnerabilities]
    unchecked = [r for r in results if not r.checked]
    checked = len(results) - len(unchecked)
    for r in vulnerable:
        for v in r.vulnerabilities:
            print(f"VULNERABLE {r.name}=={r.version}: {describe(v)}", file=out)
    for line in mismatched:
        print(f"NOT LOCKED {line}: run `make install`", file=out)
    if checked == 0 and results:
        print(
            f"dependency audit: PyPI could not be reached, none of {len(results)} locked packages "
            f"was checked ({unchecked[0].reason})",
            file=err,
        )
    else:
        for r in unchecked:
            print(f"not checked: {r.name}=={r.version}: {r.reason}", file=err)
        print(
            f"dependency audit: {checked} of {len(results)} locked packages checked, "
            f"{len(vulnerable)} with known vulnerabilities, {len(unchecked)} not checked",
            file=out,
        )
    if vulnerable or mismatched:
        return 1
    if unchecked and strict:
        return 2
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lock", type=Path, help="the lock file, lines of name==version")
    parser.add_argument(
        "--strict", action="store_true", help="fail (2) when any package could not be checked"
    )
    args = parser.parse_args(argv)
    return audit(args.lock, strict=args.strict)


if __name__ == "__main__":
    sys.exit(main())
