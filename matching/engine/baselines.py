"""Reference and baseline solvers for the tests and the benchmark (not used
for proposals): greedy by score, and the exact optimum on a full score
matrix."""

from __future__ import annotations

import numpy as np

from .assignment import Assignment
from .candidates import Candidates
from .pool import Pool
from .scoring import Weights, scores_dense


def assign_greedy(cands: Candidates, mentor_capacity, n_mentees: int) -> Assignment:
    """Highest score first (the benchmark's baseline, not used for proposals)."""
    capacity = np.asarray(mentor_capacity, dtype=np.int64).copy()
    order = np.lexsort((cands.mentor, cands.mentee, -cands.score))
    taken = np.zeros(n_mentees, dtype=bool)
    chosen = []
    cap = capacity.tolist()
    taken_l = taken.tolist()
    for e, i, j in zip(order.tolist(), cands.mentee[order].tolist(), cands.mentor[order].tolist()):
        if not taken_l[i] and cap[j] > 0:
            taken_l[i] = True
            cap[j] -= 1
            chosen.append(e)
    idx = np.array(chosen, dtype=np.int64)
    idx = idx[np.argsort(cands.mentee[idx], kind="stable")]
    return Assignment(cands.mentee[idx], cands.mentor[idx], cands.score[idx].astype(np.float64), n_mentees)


def exact_assignment(scores: np.ndarray, capacity) -> Assignment:
    """Exact optimum on a full score matrix (NaN = ineligible) by
    ``linear_sum_assignment`` over slot-expanded mentors: a cost of
    -(BIG + score) per eligible pair with BIG > n makes one more matched
    mentee outweigh any difference in total score."""
    from scipy.optimize import linear_sum_assignment

    scores = np.asarray(scores, dtype=np.float64)
    n, m = scores.shape
    capacity = np.asarray(capacity, dtype=np.int64)
    slot_mentor = np.repeat(np.arange(m), np.maximum(capacity, 0))
    empty = np.zeros(0, np.int64)
    if n == 0 or slot_mentor.size == 0:
        return Assignment(empty, empty.copy(), np.zeros(0), n)
    eligible = np.isfinite(scores)
    big = float(n + 1)
    cost = np.where(eligible, -(big + np.nan_to_num(scores)), 0.0)[:, slot_mentor]
    r, c = linear_sum_assignment(cost)
    j = slot_mentor[c]
    ok = eligible[r, j]
    r, j = r[ok], j[ok]
    return Assignment(r.astype(np.int64), j.astype(np.int64), scores[r, j], n)


def assign_exact_reference(pool: Pool, weights: Weights, *, max_mentees: int = 5000) -> Assignment:
    """The exact optimum over every eligible pair (small pools: N <= 2,000)."""
    if pool.n_mentees > max_mentees:
        raise ValueError(f"the exact reference is for pools of at most {max_mentees} mentees")
    return exact_assignment(scores_dense(pool, weights), pool.mentor_capacity)
