"""What a BERT-class encoder would cost next to bare spaCy, on the same texts and this CPU.

    .venv/bin/python bench/encoder_cost.py [--limit 100] [--layers 12 --hidden 768 --ffn 3072]

Issue 4 asks for CofeNet's PolNeAR numbers (a fine-tuned BERT-base) with throughput >= 0.85 of
bare spaCy (`en_core_web_sm`). This prints the tokens/s of bare `nlp.pipe` and of the
encoder's arithmetic alone on the same token count: per layer, the four attention projections,
the feed-forward pair and the attention products over 512-token windows, as float32 numpy
matrix products (the BLAS that torch would also call on CPU). Weights are random: the cost does
not depend on their values, and no pretrained weights can be downloaded here anyway. Tokenising,
softmax, layer norms and the decoding are left out, so the encoder figure is an upper bound on
its speed, and `pipeline ratio` (bare spaCy + encoder against bare spaCy) an upper bound on what
the product would keep.
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

from parley.pipeline import load_model  # noqa: E402

WINDOW = 512  # BERT's longest input: an article is encoded window by window


def spacy_tokens_per_second(texts: list[str]) -> tuple[int, float]:
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


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, default=default_input())
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--layers", type=int, default=12)
    parser.add_argument("--hidden", type=int, default=768)
    parser.add_argument("--ffn", type=int, default=3072)
    args = parser.parse_args(argv)
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
