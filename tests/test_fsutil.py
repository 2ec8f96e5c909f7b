"""Whether a recorded report output is intact: stat signature first, SHA-256 when it differs."""

from __future__ import annotations

import os

import pytest

from smartcity.runner import fsutil
from smartcity.runner.fsutil import output_intact, write_output


@pytest.fixture
def written(tmp_path):
    return tmp_path, write_output(tmp_path, "staedte/krefeld.pdf", b"%PDF- report")


def test_unchanged_output_is_intact_without_reading_it(written, monkeypatch):
    root, record = written
    monkeypatch.setattr(fsutil, "sha256_file", lambda path: pytest.fail("read although the stat matched"))
    assert output_intact(root, record)


def test_same_size_changed_content_is_found_by_its_checksum(written):
    root, record = written
    path = root / "staedte" / "krefeld.pdf"
    path.write_bytes(b"%PDF- tamper")  # same size, written in place
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))  # whatever the clock's resolution
    assert not output_intact(root, record)


def test_touched_but_unchanged_output_is_intact_by_its_checksum(written):
    root, record = written
    path = root / "staedte" / "krefeld.pdf"
    os.utime(path, ns=(0, 1_000_000_000))
    assert output_intact(root, record)


def test_missing_resized_or_old_records(written):
    root, record = written
    old = {k: v for k, v in record.items() if k != "stat"}  # a manifest written before stat signatures
    assert output_intact(root, old)
    assert not output_intact(root, dict(old, sha256="0" * 64))
    assert not output_intact(root, dict(record, bytes=record["bytes"] + 1))
    (root / "staedte" / "krefeld.pdf").unlink()
    assert not output_intact(root, record)
