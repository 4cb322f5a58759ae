"""App preferences: one typed registry, kept in ``settings.json`` beside the profiles.

Plaintext by design, so nothing here may be health data or a secret: profile UUIDs, window
geometry and UI choices only (SECURITY §2.3). Unknown or malformed values fall back to the
default instead of stopping the app.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from companion.vault.atomic import atomic_write
from companion.vault.paths import ensure_private_dir

FILE_NAME = "settings.json"


@dataclass(frozen=True)
class Setting:
    key: str
    type: type
    default: Any
    label: str
    minimum: int | None = None
    maximum: int | None = None

    def coerce(self, value: Any) -> Any:
        if self.type is bool:
            return value if isinstance(value, bool) else self.default
        if self.type is int:
            if type(value) is not int:
                return self.default
            if self.minimum is not None and value < self.minimum:
                return self.minimum
            if self.maximum is not None and value > self.maximum:
                return self.maximum
            return value
        return value if isinstance(value, self.type) else self.default


AUTO_LOCK_MINUTES = Setting("auto_lock_minutes", int, 10, "Lock after this many idle minutes", 1, 60)
LAST_PROFILE_ID = Setting("last_profile_id", str, "", "Profile chosen last time (its id only)")
WINDOW_GEOMETRY = Setting("window_geometry", str, "", "Main window size and place (base64)")
REGISTRY = {s.key: s for s in (AUTO_LOCK_MINUTES, LAST_PROFILE_ID, WINDOW_GEOMETRY)}


class Settings:
    def __init__(self, home: Path) -> None:
        self.path = home / FILE_NAME
        self._values: dict[str, Any] = {}
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            if isinstance(raw, dict):
                self._values = {k: v for k, v in raw.items() if k in REGISTRY}
        except (OSError, ValueError):
            self._values = {}

    def get(self, setting: Setting) -> Any:
        return setting.coerce(self._values.get(setting.key, setting.default))

    def set(self, setting: Setting, value: Any) -> None:
        self._values[setting.key] = setting.coerce(value)
        ensure_private_dir(self.path.parent)
        atomic_write(self.path, json.dumps(self._values, sort_keys=True, indent=2).encode("utf-8"))
