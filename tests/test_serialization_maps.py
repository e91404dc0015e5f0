"""Files are mapped so that careless consumers and many live loads cannot hurt.

- A foreign writer through a read-only export (PyTorch ignores DLPack's read-only flag)
  must neither crash the interpreter nor change a file or an immutable Python object:
  files are mapped privately (copy-on-write), and memory that must never be written is
  exported as a copy.
- Live mapped loads hold no file descriptor.

The cases that crashed the interpreter run in a subprocess, so that a crash fails the
test instead of ending the run.
"""

from __future__ import annotations

import gc
import os
import pickle
import subprocess
import sys
import textwrap
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import corten as ct

requires_torch = pytest.mark.skipif(find_spec("torch") is None, reason="needs PyTorch")
requires_proc = pytest.mark.skipif(
    not os.path.exists("/proc/self/maps"), reason="needs /proc/self/maps (Linux)"
)
SRC = str(Path(ct.__file__).resolve().parent.parent)


def run_python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter that imports this corten."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([SRC, os.environ.get("PYTHONPATH", "")])}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def map_of(t: Any, path: Path) -> str | None:
    """The permissions of the map of ``path`` that holds ``t``'s elements, or None."""
    address = int(t.numpy().__array_interface__["data"][0])
    target = str(path.resolve())
    with open("/proc/self/maps") as maps:
        for line in maps:
            fields = line.split(maxsplit=5)
            if len(fields) == 6 and fields[5].strip() == target:
                lo, hi = (int(x, 16) for x in fields[0].split("-"))
                if lo <= address < hi:
                    return fields[1]
    return None


# ----------------------------------------------------------------------------- careless writers


@requires_proc
def test_files_are_mapped_private_and_never_written(tmp_path: Path) -> None:
    path = tmp_path / "w.safetensors"
    ct.save(path, {"w": ct.arange(16, dtype=ct.float32)})
    w = ct.load(path)["w"]
    assert map_of(w, path) == "rw-p"  # private: a stray write cannot reach the file
    w[0] = 100.0  # corten's own rule still holds: the first write copies
    assert map_of(w, path) is None
    assert ct.load(path)["w"].tolist() == list(range(16))


@requires_torch
def test_torch_writing_through_a_mapped_load_neither_crashes_nor_changes_the_file(
    tmp_path: Path,
) -> None:
    path = tmp_path / "w.safetensors"
    ct.save(path, {"w": ct.ones((4,))})
    before = path.read_bytes()
    proc = run_python(
        """
        import sys, torch, corten as ct
        w = ct.load(sys.argv[1])["w"]
        torch.from_dlpack(w.view())[0] = 5.0  # torch ignores the read-only flag
        print(ct.load(sys.argv[1])["w"].tolist())
        """,
        str(path),
    )
    assert proc.returncode == 0, proc.stderr  # was -11: a write to a read-only map
    assert proc.stdout.split() == ["[1.0,", "1.0,", "1.0,", "1.0]"]
    assert path.read_bytes() == before


@requires_torch
def test_torch_cannot_change_immutable_bytes_through_corten() -> None:
    # In a subprocess: the pickle case would change CPython's cached one-byte bytes
    # object b"\x05" for the whole interpreter.
    proc = run_python(
        """
        import pickle, torch, corten as ct
        t = ct.tensor([1.0, 2.0, 3.0])
        b = t.to_bytes()
        u = ct.from_bytes(b)
        torch.from_dlpack(u.view())[0] = 5.0
        assert b == t.to_bytes(), "the bytes object changed"
        assert u.tolist() == [1.0, 2.0, 3.0], u.tolist()
        v = pickle.loads(pickle.dumps(ct.tensor([5], dtype=ct.uint8).view(), protocol=2))
        torch.from_dlpack(v)[0] = 9
        assert bytes([5]) == b"\\x05" and v.tolist() == [5], "a cached bytes object changed"
        print("ok")
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"


def test_dlpack_exports_copy_memory_that_must_never_be_written(tmp_path: Path) -> None:
    b = ct.arange(6, dtype=ct.int32).to_bytes()
    u = ct.from_bytes(b)
    exported = np.from_dlpack(u.view())
    assert exported.tolist() == list(range(6))
    assert not np.shares_memory(exported, np.frombuffer(b, dtype=np.uint8))
    with pytest.raises(BufferError, match=r"must never be written"):
        np.from_dlpack(u.view(), copy=False)
    pickled = pickle.loads(pickle.dumps(ct.tensor([7, 8], dtype=ct.uint8)[:], protocol=2))
    assert not np.shares_memory(np.from_dlpack(pickled), pickled.numpy())
    # A private map is the process's own memory: exported as it is (zero-copy).
    path = tmp_path / "w.safetensors"
    ct.save(path, {"w": ct.arange(6, dtype=ct.int32)})
    w = ct.load(path)["w"]
    assert np.shares_memory(np.from_dlpack(w.view()), w.numpy())
    assert np.shares_memory(np.from_dlpack(w.view(), copy=False), w.numpy())


# ----------------------------------------------------------------------------- file descriptors


@requires_proc
def test_live_mapped_loads_hold_no_file_descriptor(tmp_path: Path) -> None:
    ct.save(tmp_path / "same.safetensors", {"w": ct.arange(1024, dtype=ct.float32)})
    for i in range(100):
        ct.save(tmp_path / f"f{i}.safetensors", {"w": ct.full((64,), i, dtype=ct.int64)})
    proc = run_python(
        """
        import bisect, os, resource, sys
        import corten as ct
        from pathlib import Path
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (64, hard))
        d = Path(sys.argv[1])
        same = [ct.load(d / "same.safetensors")["w"] for _ in range(2000)]
        distinct = [ct.load(d / f"f{i}.safetensors")["w"] for i in range(100)]
        maps = []
        with open("/proc/self/maps") as f:
            for line in f:
                fields = line.split(maxsplit=5)
                if len(fields) == 6 and fields[5].strip().startswith(str(d.resolve())):
                    maps.append(tuple(int(x, 16) for x in fields[0].split("-")))
        maps.sort()
        def mapped(t):
            address = t.numpy().__array_interface__["data"][0]
            i = bisect.bisect_right(maps, (address, float("inf"))) - 1
            return i >= 0 and maps[i][0] <= address < maps[i][1]
        print(sum(map(mapped, same)), sum(map(mapped, distinct)), len(os.listdir("/proc/self/fd")))
        assert all(t[5].item() == 5.0 for t in same) and distinct[99][0].item() == 99
        """,
        str(tmp_path),
    )
    assert proc.returncode == 0, proc.stderr
    mapped_same, mapped_distinct, open_fds = map(int, proc.stdout.split())
    assert (mapped_same, mapped_distinct) == (2000, 100)  # none fell back to a copy
    assert open_fds < 16


@requires_proc
def test_a_map_lives_while_a_tensor_over_it_does(tmp_path: Path) -> None:
    path = tmp_path / "w.safetensors"
    ct.save(path, {"w": ct.ones((1 << 16,), dtype=ct.uint8)})

    def maps() -> int:
        with open("/proc/self/maps") as f:
            return sum(line.rstrip().endswith(str(path.resolve())) for line in f)

    w = ct.load(path)["w"]
    keep = w.view()[10:20]
    exported = w.numpy()[30:32]
    del w
    gc.collect()
    assert maps() == 1
    assert keep.tolist() == [1] * 10
    del keep
    gc.collect()
    assert maps() == 1
    assert exported.tolist() == [1, 1]
    del exported
    gc.collect()
    assert maps() == 0  # unmapped with the last array over it
