"""A simulated congress day (placeholder while the HTTP driver is written)."""


def main(args):
    """Run the demo."""
    raise SystemExit("not yet")
