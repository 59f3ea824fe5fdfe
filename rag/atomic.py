"""Files written so that a crash never leaves half of one: a file replaced in one rename (write_atomic), a folder
swapped in by two (_swap_in), everything synced before; a killed writer's leftovers removed; the permissions of what
is replaced kept; a cache's lock (file_lock). What it leaves out: which files an index holds (store.py), the index's
lock (store.build_lock)."""
from __future__ import annotations

import contextlib
import fcntl
import errno
import glob
import os
import re
import shutil
import stat
import tempfile
from pathlib import Path

from .errors import CannotWrite


def unwritable(where: Path, e: Exception) -> CannotWrite:
    """A write refused by the system (a full disk, a permission) as a message: the index is left as it was."""
    why = getattr(e, "strerror", None) or str(e).strip().splitlines()[-1]
    # (faiss says a full disk in its C++ assertion: "Error in void faiss::write_index(…) … 282579 != 505344 (No
    # space left on device)": the system's words at its end are the reason)
    said = re.search(r"\(([A-Z][a-z][^()]*)\)\s*$", why) if "faiss" in why or "Error in" in why else None
    why = said.group(1) if said else why
    # (numpy says a full disk as a short write, "538368 requested and 94144 written", without the system's reason)
    if re.fullmatch(r"\d+ requested and \d+ written", why):
        why = f"{os.strerror(errno.ENOSPC)}: {why}"
    return CannotWrite(f"Could not write {where} ({why}): nothing was changed.", why)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace the file at `path` by `data` in one rename (a temporary file beside it, synced
    first): a reader sees the old bytes or the new ones, never a part."""
    path = Path(path)
    remove_stale_temporaries(path)      # a killed writer's (a 591 kB adapter each time)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}-", dir=path.parent)
    except OSError as e:
        raise unwritable(path, e) from None
    try:
        _keep_access(Path(tmp), path, 0o666)    # mkstemp's 0600 is no file's mode of its own
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(e, OSError):
            raise unwritable(path, e) from e
        raise


def _temporary(name: str) -> re.Pattern:
    """The names write_atomic gives its temporary files for a file `name`: ".NAME.PID-" and mkstemp's 8 characters."""
    return re.compile(rf"\.{re.escape(name)}\.(\d+)-[a-z0-9_]{{8}}")


def remove_stale_temporaries(path: Path) -> None:
    """Remove write_atomic's temporary files for `path` whose process is gone: what a writer killed before its rename
    left beside it. Another's file, or a live writer's, is never touched."""
    path = Path(path)
    remove_dead_writers(path.parent, f".{glob.escape(path.name)}.*-*", _temporary(path.name))


def remove_dead_writers(folder: Path, pattern: str, shape: re.Pattern) -> None:
    """Remove the files of `folder` (the glob `pattern`) whose whole name `shape` matches, a group of it the id of
    a process that is gone: what a writer killed before its rename left. A link, another's file, or a live
    writer's, is never touched."""
    try:
        found = [(p, shape.fullmatch(p.name)) for p in Path(folder).glob(pattern)]
    except OSError:
        return
    for p, m in found:
        if m and p.is_file() and not p.is_symlink() and not alive(int(next(filter(None, m.groups())))):
            with contextlib.suppress(OSError):
                p.unlink()


@contextlib.contextmanager
def file_lock(path: Path):
    """One process at a time (a cache's fetch, conversion or export): a second waits on the lock file `path`, then
    finds the work done. Its folder must exist."""
    with open(path, "a+") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def alive(pid: int) -> bool:
    """Whether process `pid` may be running (another user's, or one that cannot be told, counts as running)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):
        pass                # another user's process, or no way to tell: kept
    return True


def _umask() -> int:
    """The process's umask (read by setting it, so once, at import)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _umask()


def _keep_access(new: Path, path: Path, default: int) -> None:
    """Give `new`, which replaces `path`, the permissions and group of `path` (else `default` less the umask): a
    server reading the index as another user or group keeps reading it."""
    try:
        was = os.stat(path)
    except OSError:
        os.chmod(new, default & ~_UMASK)
        return
    os.chmod(new, stat.S_IMODE(was.st_mode))
    if os.stat(new).st_gid != was.st_gid:
        with contextlib.suppress(OSError):      # a group the user is not in: the mode still holds
            os.chown(new, -1, was.st_gid)


def _write(path: Path, data: bytes) -> None:
    with open(path, "wb") as f:         # (synced with the others before the swap: _sync)
        f.write(data)


def _sync(folder: Path, names: list[str]) -> None:
    """Put on the disk every file of a new index (FAISS's and the lexical index's writers, like _write, do not sync)
    and the folders' entries, before the swap: after a power cut the index renamed in is whole, not files of the
    right names and no bytes."""
    for name in names:
        with open(folder / name, "rb") as f:
            os.fsync(f.fileno())
    for sub in {folder, *((folder / n).parent for n in names)}:
        _sync_folder(sub)


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):      # (a file system that cannot sync a folder: nothing more to do)
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _swap_in(tmp: Path, folder: Path) -> None:
    """Two renames: the index aside, the new one in. A second that fails (a disk turned read-only, an interrupt) puts
    the previous index back; a process killed between them leaves it aside, which _recover puts back under the next
    lock, a write's or a read's."""
    old = folder.parent / f".{folder.name}.old-{os.getpid()}"
    n = 0
    while os.path.lexists(old):     # a process of this id before us left it (a container's ids repeat): not ours
        n += 1
        old = folder.parent / f".{folder.name}.old-{os.getpid()}{n}"
    aside = folder.exists()
    if aside:
        os.rename(folder, old)
    try:
        os.rename(tmp, folder)
    except BaseException:
        if aside:
            os.rename(old, folder)
        raise
    shutil.rmtree(old, ignore_errors=True)
