"""A "show more" section: a button that opens and closes content built on first opening."""
from __future__ import annotations

from collections.abc import Callable

from companion.ui.qt import QSize, QSizePolicy, Qt, QToolButton, QVBoxLayout, QWidget


class Expander(QWidget):
    """Collapsed by default; ``build(layout)`` fills the content the first time it opens,
    so a page with many cards does not make widgets nobody looks at."""

    def __init__(self, text: str, build: Callable[[QVBoxLayout], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._build: Callable[[QVBoxLayout], None] | None = build
        self.toggle = QToolButton()
        self.toggle.setText(text)
        self.toggle.setCheckable(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.ArrowType.RightArrow)
        size = self.toggle.fontMetrics().height()
        self.toggle.setIconSize(QSize(size, size))  # the arrow as big as the text beside it
        self.toggle.setAutoRaise(True)
        self.toggle.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.toggle.setAccessibleName(text)
        self.toggle.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.toggle.toggled.connect(self.set_expanded)
        self.content = QWidget()
        self.content_layout = QVBoxLayout(self.content)
        self.content_layout.setContentsMargins(24, 0, 0, 4)
        self.content.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.toggle, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.content)

    @property
    def expanded(self) -> bool:
        return self.toggle.isChecked()

    def set_expanded(self, expanded: bool) -> None:
        if self.toggle.isChecked() != expanded:
            self.toggle.setChecked(expanded)  # comes back here through toggled
            return
        if expanded and self._build is not None:
            build, self._build = self._build, None
            build(self.content_layout)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        self.content.setVisible(expanded)
