"""UI fixtures: a controller built from injected services (temp home, fake clock)."""
from __future__ import annotations

from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def app_services(home: Path, store, clock, qtbot):
    from companion.settings import Settings
    from companion.ui.app import make_application
    from companion.ui.controller import AppController
    from companion.ui.tasks import TaskRunner

    make_application([])
    quits: list[bool] = []
    tasks = TaskRunner()
    controller = AppController(store, Settings(home), tasks, clock=clock, quit_app=lambda: quits.append(True))
    yield controller, quits
    controller.shutdown()
    tasks.wait_all(10000)


def save_screenshot(widget, name: str) -> Path:
    """Offscreen grabs kept as test artefacts for people to look at."""
    from companion.ui.qt import QApplication

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    for _ in range(3):  # layouts settle in a few passes (a taller box moves its neighbours): the picture a person sees
        QApplication.processEvents()
    widget.grab().save(str(path))
    return path
