"""A hardened expat parser for exports that carry an inline DTD (Apple Health's ``export.xml``).

Apple writes ``<!DOCTYPE HealthData [ … ]>`` with element and attribute declarations, so a
parser that refuses every DTD cannot read a real export. This one reads the internal subset and
refuses, before anything is expanded or fetched, what a hostile file would use
(SECURITY.md §2.9, test F3) — the same handler policy as ``defusedxml``, applied to pyexpat
directly because defusedxml's ElementTree runs expat through its pure-Python parser, twice as
slow on a multi-GB export:

- any entity declaration, general or parameter, internal or external (billion laughs,
  quadratic blow-up, ``SYSTEM "file:///etc/passwd"``), and unparsed entities;
- an external DTD (``<!DOCTYPE x SYSTEM "http://…">``) and any external entity reference;
  parameter-entity parsing is off, and expat never opens a file or socket by itself;
- a token (name, attribute value, comment, declaration) longer than :data:`MAX_TOKEN`, checked
  after each chunk as the bytes expat still holds unparsed, so memory stays bounded;
- nesting deeper than :data:`MAX_DEPTH` (checked by the caller's element handlers).

Errors name the file and line, never the content: a refused entity's value or target is not
repeated anywhere, and exceptions are raised ``from None`` so tracebacks do not carry it either.
"""
from __future__ import annotations

import pyexpat
from typing import NoReturn

from companion.lifestyle.importers.errors import HealthImportError

MAX_TOKEN = 1 << 20  # no element of an Apple export comes near a kilobyte
MAX_DEPTH = 32  # HealthData > Workout > WorkoutRoute > FileReference is 4


def expat_version() -> tuple[int, int, int]:
    """The expat library Python was built with; 2.4.1+ adds its own limit on entity amplification."""
    return pyexpat.version_info


class SafeXml:
    """An expat parser fed chunk by chunk, with the refusals above. Handlers are set by the caller."""

    def __init__(self, file_name: str) -> None:
        self.file_name = file_name
        self.fed = 0
        parser = pyexpat.ParserCreate()
        parser.SetParamEntityParsing(pyexpat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = self._doctype
        parser.EntityDeclHandler = self._entity
        parser.UnparsedEntityDeclHandler = self._unparsed_entity
        parser.ExternalEntityRefHandler = self._external_ref
        parser.SkippedEntityHandler = self._skipped_entity
        self.parser = parser

    # -- refusals ------------------------------------------------------------------------------
    def refuse(self, reason: str) -> NoReturn:
        raise HealthImportError(self.file_name, reason, self.parser.CurrentLineNumber)

    def _doctype(self, name: str, sysid: str | None, pubid: str | None, has_internal_subset: int) -> None:
        if sysid is not None or pubid is not None:
            self.refuse("refers to an outside document type definition, which is never fetched; it was not read")

    def _entity(self, name: str, is_parameter: int, value: str | None, base: str | None,
                sysid: str | None, pubid: str | None, notation: str | None) -> None:
        if sysid is not None or pubid is not None:
            self.refuse("declares an entity that points outside the file (an 'external entity'); it was not read")
        self.refuse("declares XML entities, which no health export uses (an 'XML bomb'?); it was not read")

    def _unparsed_entity(self, name: str, base: str | None, sysid: str | None, pubid: str | None,
                         notation: str | None) -> None:
        self.refuse("declares an entity that points outside the file (an 'external entity'); it was not read")

    def _external_ref(self, context: str, base: str | None, sysid: str | None, pubid: str | None) -> int:
        self.refuse("refers to content outside the file (an 'external entity'); it was not read")

    def _skipped_entity(self, name: str, is_parameter: int) -> None:
        self.refuse("uses an XML entity that is not defined; it was not read")

    # -- feeding -------------------------------------------------------------------------------
    def feed(self, data: bytes, final: bool = False) -> None:
        """Parse the next chunk; handlers run during the call. Raises HealthImportError."""
        if b"\x0b" in data:  # stray vertical tabs in some older exports make expat stop
            data = data.replace(b"\x0b", b"")
        try:
            self.parser.Parse(data, final)
        except pyexpat.ExpatError as exc:
            reason = pyexpat.ErrorString(exc.code) or "not well-formed"
            raise HealthImportError(
                self.file_name, f"is not well-formed XML ({reason}); the export may be damaged or cut short",
                exc.lineno,
            ) from None
        except RecursionError:
            raise HealthImportError(self.file_name, "is nested too deeply to be a health export") from None
        self.fed += len(data)
        if self.fed - self.parser.CurrentByteIndex > MAX_TOKEN:
            raise HealthImportError(
                self.file_name,
                f"holds a single XML item longer than {MAX_TOKEN >> 20} MB, which no health export has; "
                "it was not read",
                self.parser.CurrentLineNumber,
            )
