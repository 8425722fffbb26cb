"""Same inputs, same bytes: an unchanged function keeps its source_code_hash."""

from __future__ import annotations

import base64
import hashlib
import zipfile
from pathlib import Path

from lambda_build.deterministic_zip import (
    FIXED_DATE_TIME,
    lambda_source_code_hash,
    write_deterministic_zip,
)
from tests.packaging.conftest import Build


def test_building_twice_gives_byte_identical_archives(first_build: Build, second_build: Build):
    # Given two independent builds of the same sources and requirements
    first, second = first_build.package, second_build.package
    assert first.layer_archive != second.layer_archive

    # Then both archives are byte-for-byte the same, and so are their hashes
    assert first.layer_archive.read_bytes() == second.layer_archive.read_bytes()
    assert first.code_archive.read_bytes() == second.code_archive.read_bytes()
    assert (first.layer_sha256, first.code_sha256) == (second.layer_sha256, second.code_sha256)


def test_hash_is_base64_sha256_of_the_archive(first_build: Build):
    package = first_build.package
    expected = base64.b64encode(hashlib.sha256(package.layer_archive.read_bytes()).digest())
    assert package.layer_sha256 == expected.decode()


def test_entries_are_sorted_with_fixed_time_and_normalised_modes(first_build: Build):
    with zipfile.ZipFile(first_build.package.layer_archive) as zf:
        infos = zf.infolist()
    names = [info.filename for info in infos]
    assert names == sorted(names)
    assert {info.date_time for info in infos} == {FIXED_DATE_TIME}
    assert {info.external_attr >> 16 for info in infos} <= {0o100644, 0o100755}
    assert not [name for name in names if name.endswith("/")], "no directory entries"


def test_file_times_and_listing_order_do_not_change_the_bytes(tmp_path: Path):
    # Given the same two files, written at different times and listed in different orders
    first_dir, second_dir = tmp_path / "one", tmp_path / "two"
    for folder, order in ((first_dir, ("a", "b")), (second_dir, ("b", "a"))):
        folder.mkdir()
        for name in order:
            (folder / name).write_text(f"content of {name}\n")
    (second_dir / "a").touch()

    # When each is zipped
    write_deterministic_zip(
        [("x/b", first_dir / "b"), ("x/a", first_dir / "a")], tmp_path / "1.zip"
    )
    write_deterministic_zip(
        [("x/a", second_dir / "a"), ("x/b", second_dir / "b")], tmp_path / "2.zip"
    )

    # Then the archives are identical
    assert (tmp_path / "1.zip").read_bytes() == (tmp_path / "2.zip").read_bytes()
    assert lambda_source_code_hash(tmp_path / "1.zip") == lambda_source_code_hash(
        tmp_path / "2.zip"
    )


def test_a_changed_file_changes_the_hash(tmp_path: Path):
    source = tmp_path / "handler.py"
    source.write_text("A = 1\n")
    write_deterministic_zip([("handlers/handler.py", source)], tmp_path / "1.zip")
    source.write_text("A = 2\n")
    write_deterministic_zip([("handlers/handler.py", source)], tmp_path / "2.zip")
    assert lambda_source_code_hash(tmp_path / "1.zip") != lambda_source_code_hash(
        tmp_path / "2.zip"
    )
