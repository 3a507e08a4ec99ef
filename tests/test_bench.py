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


def test_the_encoder_cost_grows_with_the_encoder():
    """bench/encoder_cost.py's reading rests on the arithmetic scaling: BERT-mini-sized layers
    (4 x 256) do about forty times the products of one 64-wide layer, so they run far slower."""
    sys.path.insert(0, str(BENCH))
    import encoder_cost

    small = encoder_cost.encoder_tokens_per_second(1024, layers=1, hidden=64, ffn=256)
    larger = encoder_cost.encoder_tokens_per_second(1024, layers=4, hidden=256, ffn=1024)
    assert larger * 4 < small
