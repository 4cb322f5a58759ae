"""Which export a file or folder is, told from its content, never from its name.

- Apple Health: an XML whose root is ``HealthData`` (``<!DOCTYPE HealthData`` or ``<HealthData``),
  alone or inside a zip/folder under any name (``export.xml``, ``导出.xml``); the CDA copy
  (``<ClinicalDocument``) is not it.
- Fitbit: JSON arrays of ``{"dateTime": "MM/DD/YY HH:MM:SS", "value": …}`` or sleep/weight logs
  (``logId``) — a user-site-export folder or zip, or one such file.
- Google Fit: the Takeout daily-summary table (a ``Date`` column beside Google Fit's own column
  names such as ``Step count`` or ``Move Minutes count``), or ``All Data`` JSON
  (``"Data Source"`` + ``"Data Points"``).
- CSV: any other delimited text; it needs a column mapping.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from companion.lifestyle.importers.apple_health import looks_like_export
from companion.lifestyle.importers.archive import Bundle, Member, compressed_magic, is_zip
from companion.lifestyle.importers.errors import HealthImportError

APPLE = "Apple Health"
FITBIT = "Fitbit"
GOOGLE_FIT = "Google Fit"
CSV = "CSV"

SNIFF = 64 * 1024
MAX_SNIFFED_MEMBERS = 400

GOOGLE_FIT_COLUMNS = (
    "Move Minutes count", "Step count", "Heart Points", "Heart Minutes", "Calories (kcal)", "Distance (m)",
    "Average heart rate (bpm)", "Average weight (kg)", "Sleep duration (ms)", "Inactive duration (ms)",
    "Walking duration (ms)",
)
_FITBIT_DATE = re.compile(rb'"dateTime"\s*:\s*"\d\d/\d\d/\d\d \d\d:\d\d:\d\d"')
_FITBIT_LOG = re.compile(rb'"logId"\s*:\s*\d+')
_GOOGLE_JSON = re.compile(rb'"Data Source"\s*:.*"Data Points"\s*:', re.DOTALL)


@dataclass(frozen=True)
class Detected:
    """The format (``APPLE``, ``FITBIT``, ``GOOGLE_FIT`` or ``CSV``) and its container."""

    format: str
    container: str  # "file", "zip" or "folder"


def is_google_fit_summary(head: bytes) -> bool:
    first = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].decode("utf-8", "replace").strip()
    if not first.startswith("Date,"):
        return False
    columns = {c.strip().strip('"') for c in first.split(",")}
    return any(c in columns for c in GOOGLE_FIT_COLUMNS)


def is_fitbit_json(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return text.startswith(b"[") and (_FITBIT_DATE.search(text) is not None or _FITBIT_LOG.search(text) is not None)


def is_google_fit_json(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return text.startswith(b"{") and _GOOGLE_JSON.search(text[:SNIFF]) is not None


def detect_file_head(head: bytes, file_name: str) -> str:
    """The format of a single (not zip) file from its first bytes."""
    if compressed_magic(head):
        raise HealthImportError(file_name, "is a compressed file of a kind that is not read; extract it first")
    if not head.strip():
        raise HealthImportError(file_name, "is empty")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", "replace").encode("utf-8", "replace")
    else:
        text = head.lstrip(b"\xef\xbb\xbf")
    stripped = text.lstrip()
    if stripped.startswith(b"<"):
        if looks_like_export(text):
            return APPLE
        if b"<ClinicalDocument" in text:
            raise HealthImportError(
                file_name, "is the clinical-document copy of an Apple Health export; import export.zip or export.xml"
            )
        raise HealthImportError(file_name, "is an XML file, but not an Apple Health export")
    if is_fitbit_json(text):
        return FITBIT
    if is_google_fit_json(text):
        return GOOGLE_FIT
    if stripped.startswith((b"[", b"{")):
        raise HealthImportError(file_name, "is a JSON file, but not a Fitbit or Google Fit export")
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise HealthImportError(file_name, "is not a health export (it holds binary data)")
    if is_google_fit_summary(text):
        return GOOGLE_FIT
    return CSV


def detect_bundle(bundle: Bundle) -> str:
    """The format of a folder or zip: Apple Health first, then Fitbit, then Google Fit."""
    fitbit = google = False
    sniffed = 0
    for member in _candidates(bundle):
        if sniffed >= MAX_SNIFFED_MEMBERS and (fitbit or google):
            break
        sniffed += 1
        head = bundle.head(member, SNIFF if member.base.lower().endswith(".json") else 4096)
        if compressed_magic(head):
            raise HealthImportError(bundle.file_name, "holds another compressed archive; it was not opened")
        lower = member.base.lower()
        if lower.endswith(".xml"):
            if looks_like_export(head):
                return APPLE
        elif lower.endswith(".json"):
            fitbit = fitbit or is_fitbit_json(head)
            google = google or is_google_fit_json(head)
        elif lower.endswith(".csv"):
            google = google or is_google_fit_summary(head)
    if fitbit:
        return FITBIT
    if google:
        return GOOGLE_FIT
    kind = "folder" if not bundle.is_zip else "zip"
    raise HealthImportError(
        bundle.file_name, f"is a {kind} holding no Apple Health, Fitbit or Google Fit export we can read"
    )


def _candidates(bundle: Bundle) -> list[Member]:
    def rank(m: Member) -> tuple[int, str]:
        lower = m.name.lower()
        if lower.endswith(".xml") and "workout-routes/" not in lower:
            return (0, m.name)
        if lower.endswith(".csv"):
            return (1, m.name)
        if lower.endswith(".json"):
            return (2, m.name)
        return (3, m.name)

    return [m for m in sorted(bundle, key=rank) if rank(m)[0] < 3]


def detect(path: Path) -> Detected:
    """Detect the format of ``path`` (a file, a zip or a folder)."""
    name = path.name
    if not path.exists():
        raise HealthImportError(name, "does not exist (moved or deleted?)")
    if path.is_dir():
        with Bundle(path, name) as bundle:
            return Detected(detect_bundle(bundle), "folder")
    if is_zip(path):
        with Bundle(path, name) as bundle:
            return Detected(detect_bundle(bundle), "zip")
    try:
        with open(path, "rb") as f:
            head = f.read(SNIFF)
    except OSError:
        raise HealthImportError(name, "cannot be read (permission denied or a disk error)") from None
    return Detected(detect_file_head(head, name), "file")
