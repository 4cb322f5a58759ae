"""Health Companion: a private, encrypted, local health record."""

__version__ = "0.1.0"
APP_ID = "org.healthcompanion.HealthCompanion"
APP_NAME = "Health Companion"

from pathlib import Path as _Path

RESOURCES = _Path(__file__).resolve().parent.parent / "resources"
