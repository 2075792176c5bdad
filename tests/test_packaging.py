"""The wheel is the portal whole: every module, template and static file."""

import subprocess
import sys
import zipfile

from portal import paths


def test_the_wheel_holds_every_template_and_static_file(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation"]
        + ["--wheel-dir", str(tmp_path), str(paths.ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("portal-*.whl")
    packed = set(zipfile.ZipFile(wheel).namelist())
    package = paths.ROOT / "portal"
    wanted = {
        str(f.relative_to(paths.ROOT))
        for f in package.rglob("*")
        if f.is_file() and "__pycache__" not in f.parts
    }
    assert wanted - packed == set()
