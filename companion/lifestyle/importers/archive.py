"""An export as a set of files — a folder or a zip — read member by member, never extracted.

Zip checks before anything is read (SECURITY.md §2.9, test F5): the entry count from the
end-of-central-directory record (so a 100 000-entry zip is refused before its directory is
parsed), names that are absolute, hold ``..``, a backslash, a drive letter or NUL, links and
device entries, duplicate names, password protection, members that expand more than
:data:`MAX_RATIO`-fold or an archive whose members together do (zip bombs, overlapping-entry
bombs), and nested archives. Members are opened through ``zipfile``, which never yields more
than a member's declared size, so the declared-size checks bound what is decompressed.
macOS junk (``__MACOSX/``, ``.DS_Store``, ``._*``) is skipped. A folder is walked without
following links.
"""
from __future__ import annotations

import os
import re
import stat
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from companion.lifestyle.importers.errors import HealthImportError

MiB = 1 << 20
MAX_ENTRIES = 50_000  # a lifetime Fitbit archive holds ~8 000 files
MAX_RATIO = 100
RATIO_GRACE = 10 * MiB  # small, very repetitive members may compress better than 100x
MAX_CENTRAL_DIRECTORY = 64 * MiB
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_ARCHIVE_EXT = (".zip", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar", ".tar", ".zst", ".jar", ".apk")
_COMPRESSED_MAGIC = (b"PK\x03\x04", b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00", b"7z\xbc\xaf\x27\x1c", b"Rar!",
                     b"\x28\xb5\x2f\xfd")
_DRIVE = re.compile(r"^[A-Za-z]:")


def is_zip(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(4) in ZIP_MAGIC
    except OSError:
        return False


def is_junk(name: str) -> bool:
    base = name.rstrip("/").rsplit("/", 1)[-1]
    return name.startswith("__MACOSX/") or "/__MACOSX/" in name or base == ".DS_Store" or base.startswith("._") \
        or base in ("Thumbs.db", "desktop.ini")


@dataclass(frozen=True)
class Member:
    """One file of the export: ``name`` is its path inside the folder or zip, with ``/``."""

    name: str
    size: int  # bytes once decompressed
    packed: int  # bytes in the archive (the file size for a folder)

    @property
    def base(self) -> str:
        return self.name.rsplit("/", 1)[-1]


class Bundle:
    """A folder or zip of export files. Use as a context manager."""

    def __init__(self, path: Path, file_name: str) -> None:
        self.path = path
        self.file_name = file_name
        self._zip: zipfile.ZipFile | None = None
        self._infos: dict[str, zipfile.ZipInfo] = {}
        self.members: list[Member] = []
        if path.is_dir():
            self.total = self._walk()
        elif is_zip(path):
            self.total = self._open_zip()
        else:  # one export file on its own (a single Fitbit JSON file)
            try:
                size = path.stat().st_size
            except OSError:
                raise self._refuse("cannot be read (missing or permission denied)") from None
            self.path = path.parent
            self.members.append(Member(path.name, size, size))
            self.total = size

    # -- folder ----------------------------------------------------------------------------------
    def _walk(self) -> int:
        total = 0
        count = 0
        for root, dirs, files in os.walk(self.path, followlinks=False):
            dirs[:] = sorted(d for d in dirs if not os.path.islink(os.path.join(root, d)) and d != "__MACOSX")
            for fname in sorted(files):
                full = Path(root, fname)
                count += 1
                if count > MAX_ENTRIES:
                    raise HealthImportError(self.file_name, f"holds more than {MAX_ENTRIES:,} files; it was not read")
                try:
                    st = full.lstat()
                except OSError:
                    continue
                if not stat.S_ISREG(st.st_mode):
                    continue  # links, pipes and devices are never followed
                rel = full.relative_to(self.path).as_posix()
                if is_junk(rel):
                    continue
                self.members.append(Member(rel, st.st_size, st.st_size))
                total += st.st_size
        return total

    # -- zip ------------------------------------------------------------------------------------
    def _refuse(self, reason: str) -> HealthImportError:
        return HealthImportError(self.file_name, reason)

    def _open_zip(self) -> int:
        try:
            size = self.path.stat().st_size
            raw = open(self.path, "rb")  # noqa: SIM115 - owned by the ZipFile, closed in close()
        except OSError:
            raise self._refuse("cannot be read (missing, a folder, or permission denied)") from None
        try:
            self._check_directory(raw, size)
            try:
                self._zip = zipfile.ZipFile(raw)
                infos = self._zip.infolist()
            except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, struct.error):
                raise self._refuse("is a damaged zip file; make the export again") from None
            self._check_members(infos, size)
        except BaseException:
            raw.close()
            self.close()
            raise
        return size

    def _check_directory(self, raw: IO[bytes], size: int) -> None:
        """Entry count and directory size from the end record, before zipfile parses anything."""
        tail_len = min(size, 65_535 + 22)
        raw.seek(size - tail_len)
        tail = raw.read(tail_len)
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or len(tail) < at + 22:
            raise self._refuse("is a damaged zip file (its table of contents is missing); make the export again")
        entries, cd_size = struct.unpack("<H", tail[at + 10:at + 12])[0], struct.unpack("<I", tail[at + 12:at + 16])[0]
        if (entries == 0xFFFF or cd_size == 0xFFFFFFFF) and at >= 20 and tail[at - 20:at - 16] == b"PK\x06\x07":
            (z64_offset,) = struct.unpack("<Q", tail[at - 12:at - 4])
            if z64_offset < size:
                raw.seek(z64_offset)
                rec = raw.read(56)
                if rec[:4] == b"PK\x06\x06" and len(rec) >= 56:
                    entries, cd_size = struct.unpack("<Q", rec[32:40])[0], struct.unpack("<Q", rec[40:48])[0]
        raw.seek(0)
        if entries > MAX_ENTRIES:
            raise self._refuse(f"is a zip with more than {MAX_ENTRIES:,} files; it was not opened")
        if cd_size > MAX_CENTRAL_DIRECTORY:
            raise self._refuse("is a zip whose table of contents is implausibly large; it was not opened")

    def _check_members(self, infos: list[zipfile.ZipInfo], size: int) -> None:
        if len(infos) > MAX_ENTRIES:
            raise self._refuse(f"is a zip with more than {MAX_ENTRIES:,} files; it was not opened")
        seen: set[str] = set()
        declared = 0
        for info in infos:
            name = info.filename
            if (name.startswith("/") or "\\" in name or _DRIVE.match(name) or ".." in name.split("/")
                    or "\x00" in name):
                raise self._refuse("is a zip holding a file whose name points outside its folder; it was not opened")
            if name in seen:
                raise self._refuse("is a zip holding two files of the same name; it was not opened")
            seen.add(name)
            ftype = stat.S_IFMT(info.external_attr >> 16)
            if ftype == stat.S_IFLNK:
                raise self._refuse("is a zip holding a link; it was not opened")
            if ftype not in (0, stat.S_IFREG, stat.S_IFDIR):
                raise self._refuse("is a zip holding a special file (device or pipe); it was not opened")
            if info.is_dir():
                continue
            if info.flag_bits & 0x1:
                raise self._refuse("is a password-protected zip; it was not opened")
            if info.file_size > RATIO_GRACE and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise self._refuse("is a zip that would expand more than 100-fold (a 'zip bomb'); it was not opened")
            declared += info.file_size
            if is_junk(name):
                continue
            if name.lower().endswith(_ARCHIVE_EXT):
                raise self._refuse("is a zip holding another compressed archive; it was not opened")
            self._infos[name] = info
            self.members.append(Member(name, info.file_size, info.compress_size))
        if declared > RATIO_GRACE and declared > MAX_RATIO * max(size, 1):
            raise self._refuse("is a zip that would expand more than 100-fold (a 'zip bomb'); it was not opened")

    # -- reading ---------------------------------------------------------------------------------
    @property
    def is_zip(self) -> bool:
        return self._zip is not None

    def open(self, member: Member) -> IO[bytes]:
        """A binary stream of one member; never more than its declared size."""
        if self._zip is None:
            try:
                return open(self.path / member.name, "rb")  # noqa: SIM115 - the caller closes it
            except OSError:
                raise self._refuse("holds a file that cannot be read") from None
        try:
            return self._zip.open(self._infos[member.name])
        except NotImplementedError:
            raise self._refuse("is a zip using a compression method that cannot be read") from None
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            raise self._refuse("is a damaged zip file; make the export again") from None

    def read(self, member: Member, limit: int) -> bytes:
        """The whole member, refused when larger than ``limit`` bytes."""
        if member.size > limit:
            raise self._refuse(f"holds a file larger than {limit >> 20} MB, more than any export file of its kind")
        with self.open(member) as stream:
            try:
                data = stream.read(limit + 1)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError):
                raise self._refuse("is a damaged zip file; make the export again") from None
        if len(data) > limit:
            raise self._refuse(f"holds a file larger than {limit >> 20} MB, more than any export file of its kind")
        if self._zip is not None and data[:8].startswith(_COMPRESSED_MAGIC):
            raise self._refuse("is a zip holding another compressed archive; it was not opened")
        return data

    def head(self, member: Member, n: int = 4096) -> bytes:
        with self.open(member) as stream:
            try:
                return stream.read(n)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError):
                raise self._refuse("is a damaged zip file; make the export again") from None

    def __iter__(self) -> Iterator[Member]:
        return iter(self.members)

    def close(self) -> None:
        if self._zip is not None:
            fp = self._zip.fp
            self._zip.close()
            if fp is not None:
                fp.close()
            self._zip = None

    def __enter__(self) -> Bundle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def compressed_magic(head: bytes) -> bool:
    return head[:8].startswith(_COMPRESSED_MAGIC)
