"""Run the demo: ``python -m demo [--url http://127.0.0.1:8000]``."""

from __future__ import annotations

import argparse
import asyncio
import sys

from demo.journey import DemoFailed, run_demo


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m demo",
        description="Sign up, link a sandbox Aadhaar, pull one document from each "
        "built-in issuer, read and verify them, over HTTP against a running server.",
    )
    parser.add_argument(
        "--url", default="http://127.0.0.1:8000", help="The server's base URL."
    )
    arguments = parser.parse_args(argv)
    try:
        asyncio.run(run_demo(arguments.url, out=print))
    except DemoFailed as error:
        print(f"DEMO FAILED: {error}", file=sys.stderr)
        return 1
    print("Demo completed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
