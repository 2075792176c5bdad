"""Writing download files safely: aside then renamed, and copied under a fixed 'latest' name."""

import os
import shutil
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def written_aside(path: Path):
    """A temporary path beside `path`, renamed onto it only if the block succeeds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    try:
        yield Path(temporary)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)


def publish(path: Path, latest: Path, write: Callable[[Path], None]) -> Path:
    """Write `path` with `write`, then the same bytes under the fixed name `latest`."""
    with written_aside(path) as temporary:
        write(temporary)
    with written_aside(latest) as temporary:
        shutil.copyfile(path, temporary)
    return path
