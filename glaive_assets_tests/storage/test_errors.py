"""File-system errors are one line naming the artifact and its path: disk full, missing folder,
permission denied, read-only. Real errors from the kernel wherever this machine can make them."""

import errno
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from glaive_assets.storage.artifacts import artifact_path, write_json, write_jsonl
from glaive_assets.storage.errors import StorageError, path_error
from glaive_assets.storage.temps import temp_path_for

DEV_FULL = Path("/dev/full")  # every write to it fails with ENOSPC


@pytest.mark.skipif(not DEV_FULL.exists(), reason="no /dev/full on this machine")
def test_a_full_disk_names_the_artifact_and_keeps_the_previous_file(data_dir):
    path = artifact_path(data_dir, "glaive_processed")
    with write_jsonl(data_dir, "glaive_processed") as out:
        out.write({"old": True})
    before = path.read_bytes()
    temp_path_for(path).symlink_to(DEV_FULL)  # the writer's temp file is on a full "disk"
    with pytest.raises(StorageError) as raised:
        with write_jsonl(data_dir, "glaive_processed") as out:
            for index in range(10_000):
                out.write({"index": index})
    assert str(raised.value) == f"cannot write glaive_processed at {path}: no space left on the device"
    assert raised.value.errno == errno.ENOSPC
    assert raised.value.__cause__ is None and raised.value.__suppress_context__
    assert path.read_bytes() == before
    assert not temp_path_for(path).exists()


def test_a_file_where_a_folder_should_be_is_named(data_dir):
    (data_dir / "processed").write_text("not a folder")
    path = artifact_path(data_dir, "bias_report")
    with pytest.raises(StorageError) as raised:
        write_json(data_dir, "bias_report", {})
    assert str(raised.value) == (f"cannot write bias_report at {path}: a part of the path is a file, not a folder "
                                 f"({path.parent})")


def test_a_folder_removed_during_the_write_is_named(data_dir):
    path = artifact_path(data_dir, "glaive_chatml")
    with pytest.raises(StorageError) as raised:
        with write_jsonl(data_dir, "glaive_chatml") as out:
            out.write({"a": 1})
            shutil.rmtree(path.parent)
    assert str(raised.value) == f"cannot write glaive_chatml at {path}: a folder on the path does not exist"


# Root may write anywhere: once everything is imported, the child drops to user "nobody" (65534) to
# meet the permission bits.
_WRITE_AS_NOBODY = """
import os, sys
from pathlib import Path
from glaive_assets.storage.artifacts import write_json
from glaive_assets.storage.errors import StorageError
if os.getuid() == 0:
    os.setgid(65534)
    os.setuid(65534)
try:
    write_json(Path(sys.argv[1]), "anomaly_report", {})
except StorageError as error:
    print(error)
"""


def test_permission_denied_is_named():
    # Not under pytest's tmp_path: its parents are private to the user who runs the tests.
    data_dir = Path(tempfile.mkdtemp(prefix="glaive-permissions-"))
    data_dir.chmod(0o755)
    (data_dir / "processed" / "validation").mkdir(parents=True)
    (data_dir / "processed" / "validation").chmod(0o555)
    child = subprocess.run([sys.executable, "-c", _WRITE_AS_NOBODY, str(data_dir)], capture_output=True, text=True,
                           timeout=120)
    path = artifact_path(data_dir, "anomaly_report")
    shutil.rmtree(data_dir)
    assert child.stdout == f"cannot write anomaly_report at {path}: permission denied\n", child.stderr[-2000:]


def test_a_read_only_file_system_is_named():
    error = OSError(errno.EROFS, "Read-only file system", "/data/raw/.glaive_raw.jsonl.7.tmp")
    message = str(path_error(error, Path("/data/raw/glaive_raw.jsonl"), "glaive_raw",
                             ours=(Path("/data/raw/.glaive_raw.jsonl.7.tmp"),)))
    assert message == "cannot write glaive_raw at /data/raw/glaive_raw.jsonl: the file system is read-only"
