"""The upload benchmark: ``python -m bench [--rounds 3] [--files 8] [--size-mib 10]``.

Run from the project folder with the project's Python
(``.venv/bin/python -m bench``). It starts its own server on a free port with
a temporary data folder (under ``$TMPDIR``, which is therefore the disk
measured), and prints, from one run:

- the throughput of ``--files`` concurrent uploads of ``--size-mib`` each
  (``startUpload`` then ``PUT``, over HTTP), best of ``--rounds``;
- the throughput of plain concurrent copies of the same files to the same disk
  (``shutil.copyfile`` then ``os.fsync``, as the server fsyncs what it stores),
  best of ``--rounds``;
- their ratio (target: at least 0.5);
- how much the server's resident memory grew during the uploads, per round and
  the worst (target: under 64 MiB).

``--json`` prints the same as one JSON object. The exit status is 0 whether
or not the targets are met (this is a measurement, not a test) and 1 when the
server or an upload failed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from bench.samples import MIB
from bench.uploads import BenchFailed, Options, Report, Round, run

RATIO_TARGET = 0.5
MEMORY_TARGET_MIB = 64
# The server's own limit on one file, which the samples must not pass.
MAX_SIZE_MIB = 10


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Concurrent uploads to a fresh server, beside plain file "
        "copies to the same disk, and the server's memory growth.",
    )
    parser.add_argument(
        "--rounds", type=_positive_int, default=3, help="Rounds; the best counts."
    )
    parser.add_argument(
        "--files", type=_positive_int, default=8, help="Files sent at once."
    )
    parser.add_argument(
        "--size-mib",
        type=_positive_float,
        default=MAX_SIZE_MIB,
        help=f"Size of each file in MiB, at most {MAX_SIZE_MIB} (the upload limit).",
    )
    parser.add_argument("--json", action="store_true", help="Print JSON instead.")
    arguments = parser.parse_args(argv)
    if arguments.size_mib > MAX_SIZE_MIB:
        parser.error(f"--size-mib is at most {MAX_SIZE_MIB}, the server's limit")

    options = Options(
        files=arguments.files,
        size_bytes=int(arguments.size_mib * MIB),
        rounds=arguments.rounds,
    )
    try:
        report = run(options)
    except BenchFailed as error:
        print(f"BENCHMARK FAILED: {error}", file=sys.stderr)
        return 1

    if arguments.json:
        print(json.dumps(as_json(report), indent=2))
    else:
        print(as_table(report))
    return 0


def as_json(report: Report) -> dict[str, Any]:
    """The report for machines: bytes and seconds as measured, MiB as shown."""
    return {
        "files": len(report.file_sizes),
        "file_bytes": report.file_sizes,
        "pages_per_file": report.pages,
        "load_average": report.load_average,
        "cpus": os.cpu_count(),
        "copy_mib_per_second": report.copy_mib_per_second,
        "upload_mib_per_second": report.upload_mib_per_second,
        "ratio": report.ratio,
        "ratio_target": RATIO_TARGET,
        "ratio_met": report.ratio >= RATIO_TARGET,
        "worst_memory_growth_mib": report.worst_memory_growth_bytes / MIB,
        "memory_target_mib": MEMORY_TARGET_MIB,
        "memory_met": report.worst_memory_growth_bytes < MEMORY_TARGET_MIB * MIB,
        "warm_up": _round_json(report.warm_up),
        "rounds": [_round_json(measured) for measured in report.rounds],
    }


def _round_json(measured: Round) -> dict[str, Any]:
    return {
        "copy_seconds": measured.copy_seconds,
        "upload_seconds": measured.upload_seconds,
        "rss_before_bytes": measured.rss_before_bytes,
        "peak_bytes": measured.peak_bytes,
        "memory_growth_bytes": measured.memory_growth_bytes,
    }


def as_table(report: Report) -> str:
    """The report for people: the targets first, then each round."""
    files = len(report.file_sizes)
    size = report.file_sizes[0] / MIB
    growth = report.worst_memory_growth_bytes / MIB
    memory_met = report.worst_memory_growth_bytes < MEMORY_TARGET_MIB * MIB
    pages = f"{report.pages} scanned page{'s' if report.pages > 1 else ''}"
    lines = [
        f"{files} concurrent uploads of {size:.2f} MiB (PDF, {pages}), best of "
        f"{len(report.rounds)} rounds",
        f"load average {report.load_average:.2f} on {os.cpu_count()} CPUs",
        "",
        f"{'':34}{'measured':>12}  {'target':>10}",
        f"{'plain copy + fsync, MiB/s':34}{report.copy_mib_per_second:>12.1f}",
        f"{'uploads, MiB/s':34}{report.upload_mib_per_second:>12.1f}",
        f"{'ratio':34}{report.ratio:>12.2f}  {'>= 0.5':>10}  "
        f"{_verdict(report.ratio >= RATIO_TARGET)}",
        f"{'server memory growth, MiB':34}{growth:>12.1f}  "
        f"{f'< {MEMORY_TARGET_MIB}':>10}  {_verdict(memory_met)}",
        "",
        "round      copy s   upload s   memory growth MiB",
    ]
    rows = [("warm-up", report.warm_up)] + [
        (str(number), measured) for number, measured in enumerate(report.rounds, 1)
    ]
    for label, measured in rows:
        lines.append(
            f"{label:<8}{measured.copy_seconds:>9.3f}{measured.upload_seconds:>11.3f}"
            f"{measured.memory_growth_bytes / MIB:>20.1f}"
        )
    lines += [
        "",
        "Copies are shutil.copyfile then os.fsync, since the server fsyncs every "
        "file it stores.",
        "The warm-up round is not counted: it includes what the server loads on "
        "its first upload.",
    ]
    return "\n".join(lines)


def _verdict(met: bool) -> str:
    return "PASS" if met else "MISS"


def _positive_int(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return value


if __name__ == "__main__":
    sys.exit(main())
