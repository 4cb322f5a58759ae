"""Open a genome file, whatever its wrapping, as a stream of decoded text chunks.

The wrapping (plain, gzip/BGZF, bzip2, xz, zip) is told from the first bytes, never from the
name. Text comes out in chunks of whole lines (``\\n`` endings, CR and a UTF-8 BOM removed) so
the readers can parse a megabyte at a time. Safety (SECURITY.md §2.9): size limits that the
reader sets once the format is known, a compression-ratio limit against bombs, a line-length
limit, no NUL bytes, zip members checked for escaping names, links, nesting and junk.
Progress is reported as bytes of the file on disk, and cancellation is checked, after each chunk.
"""
from __future__ import annotations

import bz2
import gzip
import lzma
import os
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from companion.genome.errors import GenomeImportCancelled, GenomeImportError
from companion.genome.model import CancelToken, Progress

KiB = 1 << 10
MiB = 1 << 20
CHUNK = 1 * MiB  # decompressed bytes per chunk; progress and cancel are checked this often
MAX_RATIO = 100  # decompressed / compressed
RATIO_GRACE = 10 * MiB  # tiny, very repetitive files may compress better than 100x
MAX_ZIP_ENTRIES = 1000
SNIFF_LINE_LIMIT = 1 * MiB  # VCF header lines may be long; readers narrow it afterwards

_MAGIC = (
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"PK\x07\x08", "zip"),
)
_REFUSED_MAGIC = (
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"\x28\xb5\x2f\xfd", "a Zstandard-compressed file"),
)
_JUNK_EXT = {".pdf", ".html", ".htm", ".rtf", ".png", ".jpg", ".jpeg", ".gif", ".md5", ".tbi", ".csi"}
_ARCHIVE_EXT = (".zip", ".gz", ".bgz", ".bz2", ".xz", ".7z", ".rar", ".tar", ".tgz", ".zst")
_DRIVE = re.compile(r"^[A-Za-z]:")


def wrapping_of(first_bytes: bytes) -> str:
    for magic, kind in _MAGIC:
        if first_bytes.startswith(magic):
            return kind
    return "plain"


class TextSource:
    """A file opened for reading as text chunks. Use as a context manager."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        progress: Progress | None = None,
        cancel: CancelToken | None = None,
    ) -> None:
        self.path = Path(path)
        self.name = self.path.name
        self.progress = progress
        self.cancel = cancel
        self.max_line = SNIFF_LINE_LIMIT
        self.max_bytes: int | None = None
        self.member_name: str | None = None  # the data file inside a zip
        self.member_size: int | None = None
        try:
            self.total = self.path.stat().st_size
            self._raw: BinaryIO = open(self.path, "rb")  # noqa: SIM115 - closed in close()
        except IsADirectoryError:
            raise GenomeImportError(self.name, "is a folder, not a file") from None
        except FileNotFoundError:
            raise GenomeImportError(self.name, "does not exist (moved or deleted?)") from None
        except PermissionError:
            raise GenomeImportError(self.name, "cannot be read: permission denied") from None
        except OSError:
            raise GenomeImportError(self.name, "cannot be read (the disk reported an error)") from None
        try:
            self._open_stream()
            self._first = self._read_block(check_nul=False)
            self._check_first(self._first)
            if b"\x00" in self._first:
                raise GenomeImportError(self.name, "is not a text file (it contains binary data)")
        except BaseException:
            self.close()
            raise

    # -- opening -------------------------------------------------------------------------
    def _open_stream(self) -> None:
        if self.total == 0:
            raise GenomeImportError(self.name, "is empty")
        head = self._raw.read(8)
        self._raw.seek(0)
        for magic, what in _REFUSED_MAGIC:
            if head.startswith(magic):
                raise GenomeImportError(self.name, f"is {what}, which cannot be read; extract it first")
        self.wrapping = wrapping_of(head)
        if self.wrapping == "plain":
            self._stream: BinaryIO = self._raw
        elif self.wrapping == "gzip":
            self._stream = gzip.GzipFile(fileobj=self._raw, mode="rb")  # type: ignore[assignment]
        elif self.wrapping == "bzip2":
            self._stream = bz2.BZ2File(self._raw, mode="rb")  # type: ignore[assignment]
        elif self.wrapping == "xz":
            self._stream = lzma.LZMAFile(self._raw, mode="rb")  # type: ignore[assignment]
        else:
            self._stream = self._open_zip_member()
        self._out = 0  # decompressed bytes read so far
        self._lines_before = 0  # complete lines handed out so far
        self._carry = b""
        self._eof = False

    def _open_zip_member(self) -> BinaryIO:
        try:
            self._zip = zipfile.ZipFile(self._raw)
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
            raise GenomeImportError(self.name, "is a damaged zip file; download it again") from None
        if len(infos) > MAX_ZIP_ENTRIES:
            raise GenomeImportError(self.name, f"is a zip with more than {MAX_ZIP_ENTRIES} files; it was not opened")
        seen: set[str] = set()
        data: list[zipfile.ZipInfo] = []
        for info in infos:
            name = info.filename
            if (
                name.startswith("/")
                or "\\" in name
                or _DRIVE.match(name)
                or ".." in name.split("/")
                or "\x00" in name
            ):
                raise GenomeImportError(
                    self.name, "is a zip holding a file whose name points outside its folder; it was not opened"
                )
            if name in seen:
                raise GenomeImportError(self.name, "is a zip holding two files of the same name; it was not opened")
            seen.add(name)
            ftype = (info.external_attr >> 16) & 0o170000
            if ftype == 0o120000:
                raise GenomeImportError(self.name, "is a zip holding a link; it was not opened")
            if ftype not in (0, 0o100000, 0o040000):
                raise GenomeImportError(self.name, "is a zip holding a special file (device or pipe); it was not opened")
            if info.is_dir():
                continue
            base = name.rsplit("/", 1)[-1]
            lower = base.lower()
            if (
                name.startswith("__MACOSX/")
                or base == ".DS_Store"
                or base.startswith("._")
                or os.path.splitext(lower)[1] in _JUNK_EXT
                or lower.startswith("readme")
            ):
                continue
            data.append(info)
        if not data:
            raise GenomeImportError(self.name, "is a zip that holds no data file")
        if len(data) > 1:
            raise GenomeImportError(
                self.name,
                f"is a zip holding {len(data)} data files; extract the one with your genome data and import that",
            )
        member = data[0]
        if member.filename.lower().endswith(_ARCHIVE_EXT):
            raise GenomeImportError(
                self.name, "is a zip holding another compressed file; extract it and import the inner file"
            )
        if member.flag_bits & 0x1:
            raise GenomeImportError(self.name, "is a password-protected zip; extract it first")
        if member.file_size > RATIO_GRACE and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise GenomeImportError(
                self.name, "is a zip that would expand more than 100-fold (a 'zip bomb'); it was not opened"
            )
        self.member_name = member.filename.rsplit("/", 1)[-1]
        self.member_size = member.file_size
        try:
            return self._zip.open(member)  # type: ignore[return-value]
        except NotImplementedError:
            raise GenomeImportError(self.name, "is a zip using a compression method that cannot be read") from None
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            raise GenomeImportError(self.name, "is a damaged zip file; download it again") from None

    def _check_first(self, block: bytes) -> None:
        if not block:
            raise GenomeImportError(self.name, "is empty")
        if block.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise GenomeImportError(
                self.name, "is saved as UTF-16 text; use the file as downloaded, or save it again as UTF-8"
            )
        if self.wrapping != "plain" and (wrapping_of(block[:8]) != "plain" or block.startswith(
            tuple(m for m, _ in _REFUSED_MAGIC)
        )):
            raise GenomeImportError(
                self.name, "holds another compressed file inside; extract it and import the inner file"
            )

    # -- limits ----------------------------------------------------------------------------
    def set_limits(self, *, max_line: int, max_bytes: int | None) -> None:
        """Narrow the limits once the format is known; known sizes are checked at once."""
        self.max_line = max_line
        self.max_bytes = max_bytes
        if max_bytes is None:
            return
        known = self.member_size if self.wrapping == "zip" else (self.total if self.wrapping == "plain" else None)
        if known is not None and known > max_bytes:
            raise GenomeImportError(self.name, _too_big(max_bytes))

    # -- reading ---------------------------------------------------------------------------
    def _read_block(self, check_nul: bool = True) -> bytes:
        try:
            block = self._stream.read(CHUNK)
        except EOFError:
            raise GenomeImportError(
                self.name, "the file is truncated (its compressed data ends early); download it again"
            ) from None
        except (gzip.BadGzipFile, zipfile.BadZipFile, zlib.error, lzma.LZMAError):
            raise GenomeImportError(self.name, "its compressed data is damaged; download it again") from None
        except OSError as exc:
            if self.wrapping == "plain":
                raise GenomeImportError(self.name, "cannot be read (the disk reported an error)") from None
            if "truncat" in str(exc).lower() or "end" in str(exc).lower():
                raise GenomeImportError(
                    self.name, "the file is truncated (its compressed data ends early); download it again"
                ) from None
            raise GenomeImportError(self.name, "its compressed data is damaged; download it again") from None
        self._out += len(block)
        if self.max_bytes is not None and self._out > self.max_bytes:
            raise GenomeImportError(self.name, _too_big(self.max_bytes))
        if self.wrapping != "plain" and self._out > RATIO_GRACE:
            consumed = max(self._raw.tell(), 1)
            if self._out > MAX_RATIO * consumed:
                raise GenomeImportError(
                    self.name, "expands more than 100-fold when decompressed (a 'zip bomb'?); it was not read"
                )
        if check_nul and b"\x00" in block:
            raise GenomeImportError(self.name, "is not a text file (it contains binary data)")
        return block

    def _tick(self) -> None:
        if self.cancel is not None and self.cancel.cancelled:
            raise GenomeImportCancelled(self.name)
        if self.progress is not None:
            try:
                pos = self._raw.tell()
            except (OSError, ValueError):
                pos = self.total
            self.progress(min(pos, self.total), self.total)

    def head(self, limit: int = 256 * KiB) -> str:
        """The start of the text (decoded, CR removed) for format detection."""
        raw = self._first[:limit]
        if raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        text = raw.decode("utf-8", errors="replace")
        return text.replace("\r\n", "\n")

    def chunks(self) -> Iterator[tuple[int, str]]:
        """``(number of the first line, text)``: whole lines, each ending with ``\\n``."""
        block = self._first
        first = True
        while True:
            if block:
                data = self._carry + block if self._carry else block
                if first:
                    first = False
                    if data.startswith(b"\xef\xbb\xbf"):
                        data = data[3:]
                cut = data.rfind(b"\n") + 1
                self._carry = data[cut:]
                if len(self._carry) > self.max_line:
                    raise GenomeImportError(
                        self.name, _long_line(self.max_line), self._lines_before + data.count(b"\n", 0, cut) + 1
                    )
                if cut:
                    whole = data[:cut]
                    start = self._lines_before + 1
                    self._lines_before += whole.count(b"\n")
                    yield start, self._decode(whole, start)
                self._tick()
                block = self._read_block()
                continue
            # end of data
            if self._carry:
                tail = self._carry
                self._carry = b""
                if first and tail.startswith(b"\xef\xbb\xbf"):
                    tail = tail[3:]
                start = self._lines_before + 1
                self._lines_before += 1
                yield start, self._decode(tail + b"\n", start)
            self._tick()
            return

    def _decode(self, data: bytes, first_line: int) -> str:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("utf-8", errors="replace")
            # Tolerated in comment lines (a name typed into a header by another program);
            # anywhere else it is not a genome text file.
            for n, line in enumerate(text.split("\n")):
                if "\ufffd" in line and not line.startswith("#"):
                    raise GenomeImportError(
                        self.name, "is not a text file (it holds bytes that are not UTF-8 text)", first_line + n
                    ) from None
        if "\r" in text:
            text = text.replace("\r\n", "\n")
            if "\r" in text:
                text = text.replace("\r", "\n")  # a lone CR (old Mac line ends) also ends a line
        return text

    def close(self) -> None:
        for obj in (getattr(self, "_stream", None), getattr(self, "_zip", None), getattr(self, "_raw", None)):
            if obj is not None:
                try:
                    obj.close()
                except Exception:  # noqa: BLE001 - closing after an error must not mask it
                    pass

    def __enter__(self) -> TextSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _too_big(limit: int) -> str:
    return f"is larger than {limit // MiB} MB of text, more than any genome raw-data file of this kind; it was not read"


def _long_line(limit: int) -> str:
    size = f"{limit // KiB} KB" if limit < MiB else f"{limit // MiB} MB"
    return f"the line is longer than {size}, which no genome raw-data file has"
