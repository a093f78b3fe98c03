"""A build does not read again the chapter files an earlier build found whole and that have
not changed since (same size, inode, modification and change times); any change to a file,
even one that keeps its size and sets its modification time back, is still found."""

from __future__ import annotations

import os
import time

import pytest

import audioguide.buildmemo as buildmemo
from audioguide.build import build_guide
from audioguide.guides import load_guide

LEAFLET = """Daily life

Mornings

Stretch gently when you wake. Take your time getting up.

Work

Tell your employer what helps you. Short breaks help.

Evenings

Wind down before bed. A warm bath can help.
"""


#: Long enough for a build's files to count as settled for the next build's memo.
SETTLE = buildmemo.SETTLED_NS / 1e9 + 0.1


@pytest.fixture()
def checked(monkeypatch):
    """The chapter files read to check them, by path."""
    read: list[str] = []
    real = buildmemo.present

    def counting(build_dir, ref):
        read.append(ref.path)
        return real(build_dir, ref)

    monkeypatch.setattr(buildmemo, "present", counting)
    return read


def edit(source, old, new):
    source.write_text(source.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_files_unchanged_since_a_build_found_them_whole_are_not_read_again(tmp_path, segment_cache, checked):
    source = tmp_path / "daily-life.txt"
    source.write_text(LEAFLET, encoding="utf-8")
    out = tmp_path / "out"
    build_guide(load_guide(source), out, cache=segment_cache)
    time.sleep(SETTLE)  # the files settle: a build that starts now may keep them in its memo
    edit(source, "Short breaks help.", "Short breaks often help.")
    second = build_guide(load_guide(source), out, cache=segment_cache)
    assert second.mastered == (2,)
    assert len(checked) == 6  # chapters 1 and 3, read once each to find them whole
    checked.clear()
    time.sleep(SETTLE)
    edit(source, "A warm bath can help.", "A warm bath may help.")
    third = build_guide(load_guide(source), out, cache=segment_cache)
    assert third.mastered == (3,)
    # Only chapter 2, written by the build before, is read; chapter 1 is known unchanged.
    assert sorted(checked) == sorted(ref.path for ref in (second.manifest.chapters[1].audio,
                                                          second.manifest.chapters[1].captions,
                                                          second.manifest.chapters[1].transcript))


@pytest.mark.parametrize("same_times", [False, True])
def test_a_changed_file_is_found_even_with_its_size_and_times_kept(tmp_path, segment_cache, checked, same_times):
    source = tmp_path / "daily-life.txt"
    source.write_text(LEAFLET, encoding="utf-8")
    out = tmp_path / "out"
    first = build_guide(load_guide(source), out, cache=segment_cache)
    time.sleep(SETTLE)
    edit(source, "Short breaks help.", "Short breaks often help.")
    build_guide(load_guide(source), out, cache=segment_cache)  # keeps chapters 1 and 3 in its memo
    damaged = out / first.manifest.chapters[0].audio.path
    before = os.stat(damaged)
    with open(damaged, "r+b") as handle:  # in place: same inode, same size
        handle.seek(before.st_size // 2)
        byte = handle.read(1)
        handle.seek(before.st_size // 2)
        handle.write(bytes([byte[0] ^ 0xFF]))
    if same_times:
        os.utime(damaged, ns=(before.st_atime_ns, before.st_mtime_ns))
    edit(source, "A warm bath can help.", "A warm bath may help.")
    checked.clear()
    third = build_guide(load_guide(source), out, cache=segment_cache)
    assert third.mastered == (1, 3)
    assert third.manifest.chapters[0].audio.sha256 == first.manifest.chapters[0].audio.sha256  # whole again
    assert first.manifest.chapters[0].audio.path in checked


def test_times_kept_to_the_whole_second_are_not_trusted():
    """On a file system that keeps times no finer than a second (FAT, some shares) the
    change time can be set back with the modification time: such files are read again."""
    second = buildmemo.SECOND_NS
    assert buildmemo._coarse([100, 7, 1_700_000_000 * second, 1_700_000_002 * second])
    assert not buildmemo._coarse([100, 7, 1_700_000_000 * second, 1_700_000_002 * second + 1])


def test_the_folders_own_clock_is_read_from_a_file_written_there(tmp_path):
    before = time.time_ns()
    clock = buildmemo._folder_clock(tmp_path / ".audioguide-memo.json")
    assert before - buildmemo.SECOND_NS <= clock <= time.time_ns() + buildmemo.SECOND_NS
    assert list(tmp_path.iterdir()) == []  # the probe is gone


def test_a_build_that_changes_nothing_reads_the_files_once_then_trusts_the_memo(tmp_path, segment_cache, checked):
    """A rebuild with nothing to do reads every file of the build once (the downloads were
    written after the last memo was saved), keeps them in the memo, and after that reads
    none; a download damaged in place, its size and times kept, is still found."""
    source = tmp_path / "daily-life.txt"
    source.write_text(LEAFLET, encoding="utf-8")
    out = tmp_path / "out"
    first = build_guide(load_guide(source), out, cache=segment_cache)
    time.sleep(SETTLE)
    second = build_guide(load_guide(source), out, cache=segment_cache)
    assert (second.synthesized, second.mastered, second.rebuilt_downloads) == (0, (), False)
    assert sorted(checked) == sorted(first.manifest.files())
    checked.clear()
    folder_before = os.stat(out).st_mtime_ns
    third = build_guide(load_guide(source), out, cache=segment_cache)
    assert (third.mastered, third.rebuilt_downloads, checked) == ((), False, [])
    assert os.stat(out).st_mtime_ns == folder_before  # nothing written or removed in the folder

    # The full guide's description (it is assembled from the chapters when read).
    described = first.manifest.downloads["full_guide"].parts
    full = out / described.path
    before = os.stat(full)
    with open(full, "r+b") as handle:
        handle.seek(before.st_size - 100)  # in the ID3 tag's bytes
        byte = handle.read(1)
        handle.seek(before.st_size - 100)
        handle.write(bytes([byte[0] ^ 0xFF]))
    os.utime(full, ns=(before.st_atime_ns, before.st_mtime_ns))
    fourth = build_guide(load_guide(source), out, cache=segment_cache)
    assert described.path in checked
    assert fourth.rebuilt_downloads
    assert full.read_bytes() != b"" and fourth.manifest.downloads["full_guide"] == first.manifest.downloads["full_guide"]


def test_a_format_file_damaged_before_a_build_is_written_again_never_kept_in_the_memo(tmp_path, segment_cache):
    """A format's file reused by a build (its fingerprint unchanged) is checked by its
    sha256, not its size alone: one damaged in place is written again, and the memo never
    vouches for a checksum no build compared."""
    from dataclasses import replace

    from audioguide.buildfolder import present
    from audioguide.manifest import load_manifest

    source = tmp_path / "daily-life.txt"
    source.write_text(LEAFLET, encoding="utf-8")
    out = tmp_path / "out"
    guide = replace(load_guide(source), formats=("mp3", "epub", "daisy"))
    first = build_guide(guide, out, cache=segment_cache)
    ref = first.manifest.formats["daisy"].files[0]
    data = bytearray((out / ref.path).read_bytes())
    data[len(data) // 2] ^= 0x01  # same size
    (out / ref.path).write_bytes(bytes(data))
    time.sleep(SETTLE)  # settled before the next build starts: the memo may keep it
    build_guide(guide, out, cache=segment_cache)
    build_guide(guide, out, cache=segment_cache)
    manifest = load_manifest(out)
    assert all(present(out, file) for file in manifest.files().values())


def test_a_kept_build_whose_memo_cannot_be_written_is_still_kept(tmp_path, segment_cache, monkeypatch):
    """The memo only saves reading: a disk that is full when a build with nothing to do
    would add to it does not make that build fail."""
    import errno

    source = tmp_path / "daily-life.txt"
    source.write_text(LEAFLET, encoding="utf-8")
    out = tmp_path / "out"
    build_guide(load_guide(source), out, cache=segment_cache)
    time.sleep(SETTLE)

    def full(path, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(buildmemo, "write_atomic", full)
    kept = build_guide(load_guide(source), out, cache=segment_cache)
    assert (kept.mastered, kept.rebuilt_downloads) == ((), False)
