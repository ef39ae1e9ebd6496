"""The upload benchmark runs end to end and reports what it measured.

Speed itself is never asserted: a test that depends on the machine's speed
cannot tell a slow machine from a slow server.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from bench.__main__ import as_table
from bench.samples import MIB, scanned_pdf
from bench.uploads import BenchFailed, LockerServer, Report, Round

ROOT = Path(__file__).parents[1]
JPEG_START = b"\xff\xd8\xff"


def run_bench(*arguments: str, timeout: float) -> subprocess.CompletedProcess[str]:
    """``python -m bench`` with ``arguments``, as a person would run it."""
    return subprocess.run(  # noqa: S603 (the arguments are the test's own)
        [sys.executable, "-m", "bench", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_a_scanned_sample_fills_its_size_without_passing_the_limit() -> None:
    size = 3 * MIB

    document = scanned_pdf("Rent agreement Pune", size, seed=7)

    assert size - 64 * 1024 < len(document) <= size
    pages = PdfReader(io.BytesIO(document)).pages
    assert len(pages) >= 2
    images = [image for page in pages for image in page.images]
    assert len(images) == len(pages)
    assert all(image.data.startswith(JPEG_START) for image in images)


def test_samples_with_different_seeds_are_different_scans() -> None:
    first = scanned_pdf("Marksheet class XII", MIB, seed=1)
    second = scanned_pdf("Marksheet class XII", MIB, seed=2)

    assert first != second


def test_the_table_marks_each_target_met_or_missed() -> None:
    slow_and_lean = Round(
        copy_seconds=1.0,
        upload_seconds=2.5,
        rss_before_bytes=90 * MIB,
        peak_bytes=120 * MIB,
    )
    report = Report(
        file_sizes=[10 * MIB] * 8,
        pages=8,
        warm_up=slow_and_lean,
        rounds=[slow_and_lean],
        load_average=0.5,
    )

    table = as_table(report)

    ratio_line = next(line for line in table.splitlines() if line.startswith("ratio"))
    memory_line = next(line for line in table.splitlines() if "memory" in line)
    assert "0.40" in ratio_line
    assert ratio_line.endswith("MISS")
    assert "30.0" in memory_line
    assert memory_line.endswith("PASS")


def test_the_benchmark_uploads_to_a_real_server_and_reports_every_round() -> None:
    completed = run_bench(
        "--files", "2", "--size-mib", "1", "--rounds", "2", "--json", timeout=600
    )

    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout)
    assert report["files"] == 2
    assert all(MIB - 64 * 1024 < size <= MIB for size in report["file_bytes"])
    assert report["copy_mib_per_second"] > 0
    assert report["upload_mib_per_second"] > 0
    assert report["ratio"] == pytest.approx(
        report["upload_mib_per_second"] / report["copy_mib_per_second"]
    )
    assert len(report["rounds"]) == 2
    for measured in [report["warm_up"], *report["rounds"]]:
        assert measured["upload_seconds"] > 0
        assert measured["peak_bytes"] >= measured["rss_before_bytes"] > 0
        assert measured["memory_growth_bytes"] == (
            measured["peak_bytes"] - measured["rss_before_bytes"]
        )
    assert report["worst_memory_growth_mib"] == pytest.approx(
        max(measured["memory_growth_bytes"] for measured in report["rounds"]) / MIB
    )


def test_a_file_larger_than_the_upload_limit_is_refused_before_anything_runs() -> None:
    completed = run_bench("--size-mib", "11", timeout=60)

    assert completed.returncode == 2
    assert "--size-mib is at most 10" in completed.stderr


def test_a_server_that_cannot_start_is_reported_with_its_log(tmp_path: Path) -> None:
    data_dir = tmp_path / "locker"
    data_dir.write_text("a file where the data folder should be")

    with (
        LockerServer(data_dir, tmp_path / "server.log") as server,
        pytest.raises(BenchFailed, match="the server stopped") as failure,
    ):
        server.wait_until_ready()

    assert "FileExistsError" in str(failure.value)
