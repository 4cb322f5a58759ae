"""Services that join the domain packages for the CLI and the UI (no Qt here)."""
