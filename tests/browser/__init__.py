"""Browser tests (Playwright + the system Chromium)."""
