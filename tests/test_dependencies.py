"""The locked dependency set and its audit: every package pinned, every advisory a failure."""

import importlib.util
import io
import tomllib

import pytest
from packaging.requirements import Requirement

from portal import paths

LOCK = paths.ROOT / "requirements-lock.txt"
spec = importlib.util.spec_from_file_location(
    "audit_dependencies", paths.ROOT / "tools" / "audit_dependencies.py"
)
audit_dependencies = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit_dependencies)
PYPI = audit_dependencies.PYPI

ADVISORY = {
    "id": "PYSEC-2099-1",
    "aliases": ["CVE-2099-0001"],
    "summary": "Remote code execution through a crafted header",
    "fixed_in": ["2.0.1"],
    "withdrawn": None,
}


def test_every_declared_dependency_is_locked_at_a_version_it_allows():
    project = tomllib.loads((paths.ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    declared = (
        project["project"]["dependencies"] + project["project"]["optional-dependencies"]["test"]
    )
    pins = audit_dependencies.read_lock(LOCK)
    for line in declared:
        requirement = Requirement(line)
        key = audit_dependencies.normalise(requirement.name)
        assert key in pins, f"{requirement.name} is not in {LOCK.name}: run make lock"
        assert requirement.specifier.contains(pins[key][1], prereleases=True), line


def test_the_lock_pins_the_installers_themselves():
    pins = audit_dependencies.read_lock(LOCK)
    assert {"pip", "setuptools"} <= set(pins)


def test_the_environment_runs_the_locked_versions():
    pins = audit_dependencies.read_lock(LOCK)
    assert audit_dependencies.drift(pins, audit_dependencies.installed()) == []


def fake_pypi(documents: dict):
    """A fetch that answers from a dict of URL: document (None: 404, an exception: raised)."""

    def fetch(url):
        answer = documents.get(url)
        if isinstance(answer, Exception):
            raise answer
        return answer

    return fetch


def run(tmp_path, lock_lines, documents, strict=False):
    lock = tmp_path / "requirements-lock.txt"
    lock.write_text("# a lock\n" + "\n".join(lock_lines) + "\n", encoding="utf-8")
    pins = audit_dependencies.read_lock(lock)
    out = io.StringIO()
    status = audit_dependencies.audit(
        lock,
        strict=strict,
        fetch=fake_pypi(documents),
        present={key: version for key, (_, version) in pins.items()},
        out=out,
    )
    return status, out.getvalue()


def test_a_known_vulnerability_in_a_locked_release_fails_the_audit(tmp_path):
    status, report = run(
        tmp_path,
        ["flask==2.0.0", "Jinja2==3.1.6"],
        {
            f"{PYPI}/flask/2.0.0/json": {"vulnerabilities": [ADVISORY]},
            f"{PYPI}/Jinja2/3.1.6/json": {"vulnerabilities": []},
        },
    )
    assert status == 1
    assert (
        "VULNERABLE flask==2.0.0: PYSEC-2099-1, CVE-2099-0001 (fixed in 2.0.1): "
        "Remote code execution through a crafted header"
    ) in report
    assert "2 of 2 locked packages checked, 1 with known vulnerabilities, 0 not checked" in report


def test_the_project_document_answers_for_the_latest_release_only(tmp_path):
    documents = {
        f"{PYPI}/latest-one/1.0/json": None,
        f"{PYPI}/latest-one/json": {"info": {"version": "1.0"}, "vulnerabilities": [ADVISORY]},
        f"{PYPI}/older-one/1.0/json": None,
        f"{PYPI}/older-one/json": {"info": {"version": "3.0"}, "vulnerabilities": []},
    }
    status, report = run(tmp_path, ["latest-one==1.0", "older-one==1.0"], documents)
    assert status == 1
    assert "VULNERABLE latest-one==1.0: PYSEC-2099-1" in report
    assert ("not checked: older-one==1.0: PyPI describes only its latest release, 3.0") in report


def test_a_package_that_cannot_be_checked_is_named_and_fails_only_a_strict_audit(tmp_path):
    documents = {
        f"{PYPI}/older-one/1.0/json": None,
        f"{PYPI}/older-one/json": {"info": {"version": "3.0"}, "vulnerabilities": []},
        f"{PYPI}/fine/2.0/json": {"vulnerabilities": []},
    }
    lines = ["older-one==1.0", "fine==2.0"]
    status, report = run(tmp_path, lines, documents)
    assert status == 0
    assert "1 of 2 locked packages checked, 0 with known vulnerabilities, 1 not checked" in report
    assert run(tmp_path, lines, documents, strict=True)[0] == 2


def test_a_withdrawn_advisory_is_no_vulnerability(tmp_path):
    withdrawn = ADVISORY | {"withdrawn": "2099-02-01T00:00:00Z"}
    status, _ = run(
        tmp_path, ["fine==2.0"], {f"{PYPI}/fine/2.0/json": {"vulnerabilities": [withdrawn]}}
    )
    assert status == 0


def test_pypi_out_of_reach_says_so_and_fails_only_a_strict_audit(tmp_path):
    down = audit_dependencies.Unreachable("Name or service not known")
    documents = {f"{PYPI}/a/1.0/json": down, f"{PYPI}/b/2.0/json": down}
    status, report = run(tmp_path, ["a==1.0", "b==2.0"], documents)
    assert status == 0
    assert (
        "dependency audit: PyPI could not be reached, none of 2 locked packages was checked "
        "(PyPI did not answer (Name or service not known))"
    ) in report
    assert run(tmp_path, ["a==1.0", "b==2.0"], documents, strict=True)[0] == 2


def test_an_environment_that_does_not_run_the_lock_fails_the_audit(tmp_path):
    lock = tmp_path / "requirements-lock.txt"
    lock.write_text("fine==2.0\n", encoding="utf-8")
    out = io.StringIO()
    fetch = fake_pypi({f"{PYPI}/fine/2.0/json": {"vulnerabilities": []}})
    assert audit_dependencies.audit(lock, fetch=fetch, present={"fine": "1.9"}, out=out) == 1
    assert "NOT LOCKED fine==2.0 is locked but 1.9 installed: run `make install`" in out.getvalue()


@pytest.mark.parametrize(
    "line, pin",
    [
        ("Flask==3.1.3", ("flask", ("Flask", "3.1.3"))),
        ("et_xmlfile==2.0.0 ; python_version >= '3'", ("et-xmlfile", ("et_xmlfile", "2.0.0"))),
        ("# a comment", None),
        ("-e .", None),
    ],
)
def test_lock_lines_are_read_as_exact_pins(tmp_path, line, pin):
    lock = tmp_path / "lock.txt"
    lock.write_text(line + "\n", encoding="utf-8")
    assert audit_dependencies.read_lock(lock) == (dict([pin]) if pin else {})
