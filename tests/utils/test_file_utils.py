"""Unit tests for kerasbridge.utils.file_utils: archive extraction stays inside its folder."""

import io
import tarfile
import zipfile

from kerasbridge.utils import file_utils


def _tar_with(path, members):
    with tarfile.open(path, "w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def test_extract_archive_skips_tar_members_that_escape_the_target(tmp_path):
    archive = tmp_path / "bad.tar"
    _tar_with(archive, {"ok/a.txt": b"a", "../escaped.txt": b"x"})
    assert file_utils.extract_archive(archive, tmp_path / "out")
    assert (tmp_path / "out" / "ok" / "a.txt").read_bytes() == b"a"
    assert not (tmp_path / "escaped.txt").exists()


def test_extract_archive_skips_zip_members_that_escape_the_target(tmp_path):
    archive = tmp_path / "bad.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("ok/b.txt", "b")
        zipped.writestr("../../escaped.txt", "x")
    assert file_utils.extract_archive(archive, tmp_path / "out", archive_format="zip")
    assert (tmp_path / "out" / "ok" / "b.txt").read_text() == "b"
    assert not (tmp_path / "escaped.txt").exists()


def test_extract_archive_returns_false_for_plain_files_and_none_format(tmp_path):
    plain = tmp_path / "plain.txt"
    plain.write_text("not an archive")
    assert file_utils.extract_archive(plain, tmp_path / "out") is False
    assert file_utils.extract_archive(plain, tmp_path / "out", archive_format=None) is False


def test_validate_file_picks_the_algorithm_from_the_hash_length(tmp_path):
    target = tmp_path / "f.bin"
    target.write_bytes(b"abc")
    assert file_utils.validate_file(target, file_utils.hash_file(target, "sha256"))
    assert file_utils.validate_file(target, file_utils.hash_file(target, "md5"))
    assert not file_utils.validate_file(target, "0" * 64)
