"""One page per module. Each page takes its services in the constructor and implements
``clear()``, which removes every piece of health data it shows (called on lock)."""
