"""Linear models over sparse string features: what Parley's learned layers are made of.

Both learned layers (quote attributions, `components/attribution_model.py`; negotiation acts,
`components/acts/model.py`) describe a candidate by a few dozen feature strings ("trig=demand",
"via=possessor") and score it with a weight per feature: a logistic regression (one output) or a
softmax regression (one weight per feature and class). Training is full-batch Adam with an L2
penalty over a scipy sparse matrix; the data is 10^3-10^5 rows of ~30 active features, where a
learning library would add a dependency (and a model format) for some forty lines.

`fit_choice` is the softmax's conditional-logit form: each class has its own feature strings
(`"rule_issue"` when the class is the one the rules chose, `"trig=demand|issue=trade"`), and the
weights are shared across classes. A feature like "a strong keyword of this issue is in scope"
then carries to issues the training data rarely shows, which per-class weights cannot do.

`fit_softmax` and `fit_choice` accept *sets* of allowed classes per row (the gold format lists every type a careful
analyst could choose): it maximises the probability mass on the allowed set, log sum_{c in allowed}
p(c), so the model is free to put it on whichever allowed class its features favour.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from scipy import sparse


def vocabulary(rows: Sequence[Sequence[str]], min_count: int) -> dict[str, int]:
    """Feature -> column for features seen in at least `min_count` rows (sorted, so stable)."""
    counts: dict[str, int] = {}
    for names in rows:
        for name in set(names):
            counts[name] = counts.get(name, 0) + 1
    return {name: i for i, name in enumerate(sorted(n for n, c in counts.items() if c >= min_count))}


def design(rows: Sequence[Sequence[str]], columns: dict[str, int]) -> sparse.csr_matrix:
    """A binary rows x features matrix (unknown features dropped)."""
    indptr, indices = [0], []
    for names in rows:
        cols = sorted({columns[n] for n in names if n in columns})
        indices.extend(cols)
        indptr.append(len(indices))
    data = np.ones(len(indices))
    return sparse.csr_matrix((data, indices, indptr), shape=(len(rows), len(columns)))


def _adam(gradient, shape, steps: int, rate: float):
    w = np.zeros(shape)
    m, v = np.zeros(shape), np.zeros(shape)
    for step in range(1, steps + 1):
        g = gradient(w)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        w -= rate * (m / (1 - 0.9 ** step)) / (np.sqrt(v / (1 - 0.999 ** step)) + 1e-8)
    return w


def fit_logistic(rows: Sequence[Sequence[str]], labels: Sequence[int], l2: float = 1e-3,
                 steps: int = 400, min_count: int = 2, rate: float = 0.1,
                 prune: float = 0.0) -> dict[str, float]:
    """L2 logistic regression: {feature: weight} (include a constant feature for a bias)."""
    columns = vocabulary(rows, min_count)
    x = design(rows, columns)
    y = np.asarray(labels, dtype=float)
    xt = x.T.tocsr()

    def gradient(w):
        p = 1 / (1 + np.exp(-np.clip(x @ w, -30, 30)))
        return xt @ (p - y) / len(y) + l2 * w

    w = _adam(gradient, len(columns), steps, rate)
    return {name: float(w[i]) for name, i in columns.items() if abs(w[i]) >= prune}


def _allowed_mask(allowed: Sequence[set[str]], classes: Sequence[str]) -> np.ndarray:
    """rows x classes, 1 where the class is allowed for the row."""
    index = {c: k for k, c in enumerate(classes)}
    mask = np.zeros((len(allowed), len(classes)))
    for r, wanted in enumerate(allowed):
        for c in wanted:
            mask[r, index[c]] = 1.0
    return mask


def _residual(logits: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The gradient of -log sum_{allowed} p over the logits: p minus p renormalised on the
    allowed set."""
    p = probabilities(logits)
    q = p * mask
    q /= np.maximum(q.sum(axis=1, keepdims=True), 1e-12)
    return p - q


def fit_softmax(rows: Sequence[Sequence[str]], allowed: Sequence[set[str]], classes: Sequence[str],
                l2: float = 1e-3, steps: int = 400, min_count: int = 2, rate: float = 0.1,
                prune: float = 0.0) -> dict[str, list[float]]:
    """L2 softmax regression with allowed-set targets: {feature: [weight per class]}."""
    columns = vocabulary(rows, min_count)
    x = design(rows, columns)
    xt = x.T.tocsr()
    mask = _allowed_mask(allowed, classes)

    def gradient(w):
        return xt @ _residual(x @ w, mask) / len(rows) + l2 * w

    w = _adam(gradient, (len(columns), len(classes)), steps, rate)
    return {name: [float(v) for v in w[i]] for name, i in columns.items()
            if np.abs(w[i]).max() >= prune}


def fit_choice(rows: Sequence[dict[str, Sequence[str]]], allowed: Sequence[set[str]],
               classes: Sequence[str], l2: float = 1e-3, steps: int = 400, min_count: int = 2,
               rate: float = 0.1, prune: float = 0.0) -> dict[str, float]:
    """Conditional logit over `classes`: each row maps every class to its feature strings;
    returns {feature: weight} (one weight per feature, shared across classes)."""
    flat = [row[c] for row in rows for c in classes]
    columns = vocabulary(flat, min_count)
    x = design(flat, columns)
    xt = x.T.tocsr()
    mask = _allowed_mask(allowed, classes)

    def gradient(w):
        logits = (x @ w).reshape(len(rows), len(classes))
        return xt @ _residual(logits, mask).ravel() / len(rows) + l2 * w

    w = _adam(gradient, len(columns), steps, rate)
    return {name: float(w[i]) for name, i in columns.items() if abs(w[i]) >= prune}


def score_choice(row: dict[str, Sequence[str]], weights: dict[str, float]) -> dict[str, float]:
    """{class: probability} for one row of per-class features."""
    classes = list(row)
    totals = np.array([sum(weights.get(n, 0.0) for n in set(row[c])) for c in classes])
    return dict(zip(classes, probabilities(totals).tolist()))


def probabilities(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax."""
    shifted = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


def score_logistic(names: Sequence[str], weights: dict[str, float]) -> float:
    total = sum(weights.get(name, 0.0) for name in set(names))
    return 1 / (1 + np.exp(-max(-30.0, min(30.0, total))))


def score_softmax(names: Sequence[str], weights: dict[str, list[float]], classes: Sequence[str]
                  ) -> dict[str, float]:
    """{class: probability} for one row."""
    total = np.zeros(len(classes))
    for name in set(names):
        vector = weights.get(name)
        if vector is not None:
            total += vector
    return dict(zip(classes, probabilities(total).tolist()))
