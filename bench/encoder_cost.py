"""What a BERT-class encoder would cost next to bare spaCy, on the same texts and this CPU.

    .venv/bin/python bench/encoder_cost.py [--limit 100] [--layers 12 --hidden 768 --ffn 3072]
    .venv/bin/python bench/encoder_cost.py --scaling   # small vs larger encoder, one run, no data

Issue 4 asks for CofeNet's PolNeAR numbers (a fine-tuned BERT-base) with throughput >= 0.85 of
bare spaCy (`en_core_web_sm`). This prints the tokens/s of bare `nlp.pipe` and of the
encoder's arithmetic alone on the same token count: per layer, the four attention projections,
the feed-forward pair and the attention products over 512-token windows, as float32 numpy
matrix products (the BLAS that torch would also call on CPU). Weights are random: the cost does
not depend on their values, and no pretrained weights can be downloaded here anyway. Tokenising,
softmax, layer norms and the decoding are left out, so the encoder figure is an upper bound on
its speed, and `pipeline ratio` (bare spaCy + encoder against bare spaCy) an upper bound on what
the product would keep.

`--scaling` checks the reading's premise without spaCy or data: a BERT-mini-sized encoder (4 x 256)
against one 64-wide layer, timed alternately in the same run, as a ratio of their speeds next to
the ratio of their multiply-adds (a speed is only compared with another taken in the same run on
the same machine; the test suite checks that this runs and reports, not how fast).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO / "src"))

from throughput import default_input, read_lines  # noqa: E402

WINDOW = 512  # BERT's longest input: an article is encoded window by window
SMALL = {"layers": 1, "hidden": 64, "ffn": 256}
LARGER = {"layers": 4, "hidden": 256, "ffn": 1024}  # BERT-mini's shape


def spacy_tokens_per_second(texts: list[str]) -> tuple[int, float]:
    from parley.pipeline import load_model

    nlp = load_model()
    list(nlp.pipe(texts[:5]))  # warm up
    start = time.perf_counter()
    tokens = sum(len(doc) for doc in nlp.pipe(texts))
    return tokens, tokens / (time.perf_counter() - start)


def encoder_tokens_per_second(tokens: int, layers: int, hidden: int, ffn: int) -> float:
    """Run the encoder's matrix products over `tokens` tokens in 512-token windows."""
    rng = numpy.random.default_rng(0)
    weights = [(rng.standard_normal((hidden, 3 * hidden), dtype=numpy.float32),
                rng.standard_normal((hidden, hidden), dtype=numpy.float32),
                rng.standard_normal((hidden, ffn), dtype=numpy.float32),
                rng.standard_normal((ffn, hidden), dtype=numpy.float32)) for _ in range(layers)]
    heads = max(1, hidden // 64)
    start = time.perf_counter()
    for done in range(0, tokens, WINDOW):
        x = rng.standard_normal((min(WINDOW, tokens - done), hidden), dtype=numpy.float32)
        for qkv, out, up, down in weights:
            q, k, v = numpy.split(x @ qkv, 3, axis=1)
            q, k, v = (m.reshape(len(x), heads, -1).transpose(1, 0, 2) for m in (q, k, v))
            attended = (q @ k.transpose(0, 2, 1)) @ v  # softmax left out: a lower bound on cost
            x = attended.transpose(1, 0, 2).reshape(len(x), hidden) @ out
            x = numpy.maximum(x @ up, 0) @ down
            x /= numpy.abs(x).max() + 1  # keep the random activations finite
    return tokens / (time.perf_counter() - start)


def multiply_adds_per_token(layers: int, hidden: int, ffn: int) -> int:
    """The products `encoder_tokens_per_second` does per token: projections, feed-forward pair
    and attention over a full window."""
    return layers * (4 * hidden * hidden + 2 * hidden * ffn + 2 * WINDOW * hidden)


def scaling(tokens: int = 2048, repeats: int = 3) -> dict:
    """Tokens/s of SMALL and LARGER, best of `repeats`, alternated so load on a shared machine
    falls on both; the speed ratio next to the multiply-add ratio it should roughly follow."""
    small, larger = [], []
    for _ in range(repeats):
        small.append(encoder_tokens_per_second(tokens, **SMALL))
        larger.append(encoder_tokens_per_second(tokens, **LARGER))
    return {"tokens": tokens, "repeats": repeats, "small": SMALL, "larger": LARGER,
            "small_tokens_per_s": round(max(small)), "larger_tokens_per_s": round(max(larger)),
            "speed_ratio": round(max(small) / max(larger), 2),
            "multiply_add_ratio": round(multiply_adds_per_token(**LARGER)
                                        / multiply_adds_per_token(**SMALL), 2)}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, default=default_input())
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--layers", type=int, default=12)
    parser.add_argument("--hidden", type=int, default=768)
    parser.add_argument("--ffn", type=int, default=3072)
    parser.add_argument("--scaling", action="store_true",
                        help="Only time a small against a larger encoder (no spaCy, no data).")
    parser.add_argument("--tokens", type=int, default=2048, help="Tokens for --scaling.")
    parser.add_argument("--repeats", type=int, default=3, help="Timings per encoder (best kept).")
    args = parser.parse_args(argv)
    if args.scaling:
        print(json.dumps(scaling(args.tokens, args.repeats)))
        return
    if not args.input.exists():
        raise SystemExit(f"{args.input}: not found (the BBC benchmark file lives in ../shared/bench)")
    texts = [json.loads(line)["text"] for line in read_lines(args.input, args.limit)]
    tokens, spacy_rate = spacy_tokens_per_second(texts)
    encoder_rate = encoder_tokens_per_second(tokens, args.layers, args.hidden, args.ffn)
    ratio = 1 / (1 + spacy_rate / encoder_rate)
    print(json.dumps({"texts": len(texts), "tokens": tokens,
                      "encoder": {"layers": args.layers, "hidden": args.hidden, "ffn": args.ffn},
                      "bare_spacy_tokens_per_s": round(spacy_rate),
                      "encoder_tokens_per_s_upper_bound": round(encoder_rate),
                      "pipeline_ratio_upper_bound": round(ratio, 3)}))


if __name__ == "__main__":
    main()
