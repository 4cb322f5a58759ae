"""The one shape every lifestyle source (file importers, typed entry) hands to the store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class RawRecord:
    """One observation as its source gave it, before unit conversion and validation.

    ``kind`` is a short type name of :mod:`companion.lifestyle.types` (``"weight"``,
    ``"systolic_bp"``…); ``unit`` is as the source wrote it (``"lb"``, ``"kg"``, ``"count"``,
    ``"min"``, ``"mmHg"``, ``"mg/dL"``, ``"%"``, ``"h"``…); ``start`` is timezone-aware;
    ``source_id`` is stable within ``source`` so that importing the same file again adds nothing.
    """

    kind: str
    value: float
    unit: str
    start: datetime
    end: datetime | None
    source: str  # "Apple Health", "Fitbit", "Google Fit", "CSV", "typed"
    source_id: str
    device: str | None = None  # the device within the source (Apple's sourceName), where there are several
