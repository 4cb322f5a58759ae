"""Where profiles live: ``$COMPANION_HOME`` or the platform's app-data folder."""
from __future__ import annotations

import os
from pathlib import Path


APP_DIR_NAME = "HealthCompanion"


def companion_home() -> Path:
    """The app's data folder: profiles/, settings.ini and the single-instance lock."""
    override = os.environ.get("COMPANION_HOME")
    if override:
        return Path(override).expanduser().resolve()
    import platformdirs  # noqa: PLC0415 - only when COMPANION_HOME is not set

    return Path(platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False, roaming=False))


def profiles_dir(home: Path) -> Path:
    return home / "profiles"


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) owner-only; tighten it if it exists."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix":
        os.chmod(path, 0o700)
    return path
