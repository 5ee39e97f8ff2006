"""`keras.utils.get_file`: fetch a file (any URL urllib opens, `file://` included) into the Keras cache."""

from __future__ import annotations

import hashlib
import os
import shutil
import tarfile
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import warnings
import zipfile


def keras_home() -> str:
    """The Keras cache root: `$KERAS_HOME`, else `~/.keras`."""
    return os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")


def _hasher(algorithm, file_hash=None):
    if algorithm == "sha256" or (algorithm == "auto" and file_hash is not None and len(file_hash) == 64):
        return hashlib.sha256()
    return hashlib.md5()


def hash_file(fpath, algorithm="sha256", chunk_size=65535) -> str:
    """The hex digest of a file (`"sha256"`, `"md5"`, or a hashlib object)."""
    hasher = _hasher(algorithm) if isinstance(algorithm, str) else algorithm
    with open(fpath, "rb") as stream:
        for chunk in iter(lambda: stream.read(chunk_size), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(fpath, file_hash, algorithm="auto", chunk_size=65535) -> bool:
    """Whether the file's sha256 or md5 digest equals `file_hash` (`"auto"` picks by the hash's length)."""
    return str(hash_file(fpath, _hasher(algorithm, file_hash), chunk_size)) == str(file_hash)


def _is_inside(base: str, target: str) -> bool:
    base = os.path.realpath(base)
    return os.path.commonpath([base, os.path.realpath(os.path.join(base, target))]) == base


def extract_archive(file_path, path=".", archive_format="auto") -> bool:
    """Extract a tar (`.tar`, `.tar.gz`, `.tar.bz2`) or zip archive into `path`, skipping unsafe members.

    Returns:
        True if the file was an archive of an accepted format and was extracted, else False.
    """
    if archive_format is None:
        return False
    formats = ["tar", "zip"] if archive_format == "auto" else (
        [archive_format] if isinstance(archive_format, str) else list(archive_format))
    file_path, path = os.fspath(file_path), os.fspath(path)
    for kind in formats:
        if kind == "tar" and tarfile.is_tarfile(file_path):
            with tarfile.open(file_path) as archive:
                members = [m for m in archive.getmembers()
                           if _is_inside(path, m.name) and not (m.issym() or m.islnk())]
                _extract_or_clean(archive, path, members)
            return True
        if kind == "zip" and zipfile.is_zipfile(file_path):
            with zipfile.ZipFile(file_path) as archive:
                members = [name for name in archive.namelist() if _is_inside(path, name)]
                _extract_or_clean(archive, path, members)
            return True
        if kind not in ("tar", "zip"):
            raise ValueError(f"Unknown archive format {kind!r}; expected 'tar', 'zip', 'auto' or None.")
    return False


def _extract_or_clean(archive, path: str, members) -> None:
    try:
        archive.extractall(path, members=members)
    except (tarfile.TarError, RuntimeError, KeyboardInterrupt):
        if os.path.isfile(path):
            os.remove(path)
        elif os.path.exists(path):
            shutil.rmtree(path)
        raise


def _targets(fname, origin, datadir, extract):
    """`(download_target, extraction_dir)` laid out as Keras lays them out."""
    provided = fname
    fname = os.fspath(fname) if fname else os.path.basename(urllib.parse.urlsplit(origin).path)
    if not fname:
        raise ValueError(f"Can't parse the file name from the origin provided: '{origin}'."
                         "Please specify the `fname` argument.")
    if provided and os.sep in fname:
        raise ValueError("Paths are no longer accepted as the `fname` argument. To specify the file's parent "
                         f"directory, use the `cache_dir` argument. Received: fname={fname}")
    if not extract:
        return os.path.join(datadir, fname), None
    if provided and "." in fname:
        stem = fname[: fname.find(".")]
        return os.path.join(datadir, fname), os.path.join(datadir, f"{stem}_extracted")
    return os.path.join(datadir, f"{fname}_archive"), os.path.join(datadir, fname)


def _download(origin: str, target: str) -> None:
    from kerasbridge.utils.io_utils import print_msg

    print_msg(f"Downloading data from {origin}")
    try:
        try:
            urllib.request.urlretrieve(origin, target)
        except urllib.error.HTTPError as error:
            raise Exception(f"URL fetch failure on {origin}: {error.code} -- {error.msg}") from error
        except urllib.error.URLError as error:
            raise Exception(f"URL fetch failure on {origin}: {error.errno} -- {error.reason}") from error
    except (Exception, KeyboardInterrupt):
        if os.path.exists(target):
            os.remove(target)
        raise


def get_file(fname=None, origin=None, untar=False, md5_hash=None, file_hash=None, cache_subdir="datasets",
             hash_algorithm="auto", extract=False, archive_format="auto", cache_dir=None, force_download=False):
    """Download `origin` into the cache (`~/.keras/datasets` by default) unless already there.

    Args:
        fname: File name in the cache; taken from the URL when `None`.
        origin: The URL (`https://`, `file://`, ...).
        untar: Deprecated; same as `extract=True` with `archive_format="tar"`.
        md5_hash: Deprecated; same as `file_hash` with `hash_algorithm="md5"`.
        file_hash: Expected sha256 or md5 digest; a cached file that does not match is fetched again.
        cache_subdir: Sub-folder of `cache_dir` (or an absolute path).
        hash_algorithm: `"sha256"`, `"md5"` or `"auto"`.
        extract: Whether to extract the archive; then the extraction folder is returned.
        archive_format: `"auto"`, `"tar"`, `"zip"` or `None`.
        cache_dir: Cache root; `$KERAS_HOME` or `~/.keras` when `None`.
        force_download: Fetch even when a cached copy exists.

    Returns:
        The path of the downloaded file, or of the extraction folder when extracting.
    """
    from kerasbridge.utils.io_utils import print_msg

    if origin is None:
        raise ValueError('Please specify the "origin" argument (URL of the file to download).')
    cache_dir = keras_home() if cache_dir is None else cache_dir
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    base = os.path.expanduser(cache_dir)
    if not os.access(base, os.W_OK):
        base = os.path.join("/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir(), ".keras")
    datadir = os.path.join(base, cache_subdir)
    os.makedirs(datadir, exist_ok=True)
    target, extraction_dir = _targets(fname, origin, datadir, extract or untar)
    download = force_download or not os.path.exists(target)
    if not download and file_hash is not None and not validate_file(target, file_hash, algorithm=hash_algorithm):
        print_msg(f"A local file was found, but it seems to be incomplete or outdated because the {hash_algorithm} "
                  f"file hash does not match the original value of {file_hash} so we will re-download the data.")
        download = True
    if download:
        _download(origin, target)
        if file_hash is not None and not validate_file(target, file_hash, algorithm=hash_algorithm):
            raise ValueError(f"Incomplete or corrupted file detected. The {hash_algorithm} file hash does not match "
                             f"the provided value of {file_hash}.")
    if extract or untar:
        if not extract_archive(target, extraction_dir, "tar" if untar else archive_format):
            warnings.warn("Could not extract archive.", stacklevel=2)
        return extraction_dir
    return target
