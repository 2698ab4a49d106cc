"""File-system errors as one line that names the path and what was being written or read there."""

from __future__ import annotations

import errno
from pathlib import Path

_CAUSES = {
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EROFS: "the file system is read-only",
    errno.ENOENT: "a folder on the path does not exist",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.EISDIR: "the path is a folder",
    errno.EEXIST: "a file is where a folder should be",
}


class StorageError(RuntimeError):
    """A file-system error on an artifact, the manifest or the lock, said in one line."""

    def __init__(self, message: str, path: Path, errno_code: int | None) -> None:
        super().__init__(message)
        self.path = path
        self.errno = errno_code


def path_error(error: OSError, path: Path, what: str, doing: str = "write", ours: tuple[Path, ...] = ()) -> StorageError:
    """`error` as a StorageError: 'cannot write <what> at <path>: <cause>', plus the file the error
    names when it is not `path` or one of `ours` (e.g. the folder that could not be made)."""
    cause = _CAUSES.get(error.errno or 0) or error.strerror or str(error)
    named = {str(path), *map(str, ours)}
    culprit = f" ({error.filename})" if error.filename and str(error.filename) not in named else ""
    return StorageError(f"cannot {doing} {what} at {path}: {cause}{culprit}", path, error.errno)
