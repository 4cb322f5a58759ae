"""Back-off after repeated failed unlocks: cosmetic against offline guessing, useful against
someone at the keyboard (SECURITY §2.6). Time comes from an injected clock."""
from __future__ import annotations

import time
from collections.abc import Callable

FREE_ATTEMPTS = 5
MAX_WAIT_SECONDS = 60.0


class UnlockThrottle:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.failures = 0
        self._blocked_until = 0.0

    def failed(self) -> None:
        self.failures += 1
        if self.failures >= FREE_ATTEMPTS:
            wait = min(2.0 ** (self.failures - FREE_ATTEMPTS), MAX_WAIT_SECONDS)
            self._blocked_until = self._clock() + wait

    def succeeded(self) -> None:
        self.failures = 0
        self._blocked_until = 0.0

    def seconds_left(self) -> float:
        return max(0.0, self._blocked_until - self._clock())
