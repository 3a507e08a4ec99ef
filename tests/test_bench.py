"""The throughput benchmark's memory reading: a child reports its own peak, not its parent's."""
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_a_child_started_by_a_big_process_reports_its_own_peak_rss():
    ballast = bytearray(600 * 1024 * 1024)
    ballast[:: 4096] = b"\1" * len(ballast[:: 4096])  # touch every page: it is resident
    code = (f"import sys; sys.path.insert(0, {str(BENCH)!r}); import throughput; "
            "print(throughput.rss_mb()[0])")
    child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    own_mb = float(child.stdout.strip().splitlines()[-1])
    del ballast
    assert 10 < own_mb < 450  # ru_maxrss would report the parent's 600+ MB here
