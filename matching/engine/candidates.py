"""The candidate graph: the top-k eligible mentors of every mentee and the
top-k eligible mentees of every mentor, found by scoring the pool in
chunks."""

from __future__ import annotations

import os
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from .pool import Pool
from .scoring import _ELIGIBLE_ABOVE, Scorer, Weights, scorer_for


@dataclass
class Candidates:
    """Sparse candidate graph: eligible pairs kept by top-k, sorted by mentee."""

    mentee: np.ndarray
    mentor: np.ndarray
    score: np.ndarray
    n_mentees: int
    n_mentors: int
    scorer: Scorer | None = field(default=None, repr=False, compare=False)
    # Per mentee: an upper bound on the score of every eligible pair that is
    # not among its top-k (-inf when all of them are); None = unknown.
    bound: np.ndarray | None = field(default=None, repr=False, compare=False)

    def __len__(self) -> int:
        return int(self.mentee.size)


def _bounded_map(executor, fn, items, window: int):
    """(item, fn(item)) in order, with at most ``window`` calls in flight, so
    finished blocks never pile up in memory ahead of the consumer."""
    pending: deque = deque()
    for item in items:
        pending.append((item, executor.submit(fn, item)))
        if len(pending) >= window:
            first, future = pending.popleft()
            yield first, future.result()
    while pending:
        first, future = pending.popleft()
        yield first, future.result()


def _dedupe_edges(mentee, mentor, score, n_mentors):
    key = mentee.astype(np.int64) * n_mentors + mentor
    key, first = np.unique(key, return_index=True)
    return key // n_mentors, key % n_mentors, score[first]


def candidates(pool: Pool, weights: Weights, k_mentee: int = 40, k_mentor: int = 20,
               *, threads: int | None = None, scorer: Scorer | None = None) -> Candidates:
    """Top-k eligible mentors per mentee ∪ top-k eligible mentees per mentor.

    Mentees are scored in chunks (dense float32 ``chunk × active mentors``);
    each chunk keeps its top ``k_mentee`` per row (and the next score, which
    bounds every other pair of that mentee) and the running top
    ``k_mentor`` per mentor, so every mentor with a free place keeps
    candidates even when no mentee ranks it first.  Two chunks run at once
    (NumPy and SciPy's sparse kernels release the GIL).
    """
    scorer = scorer or scorer_for(pool, weights)
    rows_all, cols = scorer.active_rows, scorer.active_cols
    m = cols.size
    if rows_all.size == 0 or m == 0:
        empty = np.zeros(0, np.int64)
        return Candidates(empty, empty.copy(), np.zeros(0, np.float32),
                          pool.n_mentees, pool.n_mentors, scorer,
                          np.full(pool.n_mentees, -np.inf, dtype=np.float32))
    chunk = scorer.chunk_rows(m)
    km = int(min(k_mentee, m))
    kr = int(max(k_mentor, 0))
    starts = range(0, rows_all.size, chunk)
    scorer._cols(cols, "active")  # build the column data once, before threads start

    def work(start: int):
        rows = rows_all[start:start + chunk]
        blk = scorer.block(rows, cols, cache_key="active")
        c = rows.size
        if km < m:
            part = np.argpartition(blk, m - km - 1, axis=1)
            idx = part[:, m - km:]
            bound = np.take_along_axis(blk, part[:, m - km - 1:m - km], axis=1)[:, 0]
            bound[bound < _ELIGIBLE_ABOVE] = -np.inf
        else:
            idx = np.broadcast_to(np.arange(m), (c, m))
            bound = np.full(c, -np.inf, dtype=np.float32)
        sc = np.take_along_axis(blk, idx, axis=1)
        keep = sc > _ELIGIBLE_ABOVE
        e_rows = np.broadcast_to(rows[:, None], idx.shape)[keep]
        e_cols = cols[idx[keep]]
        kk = min(kr, c)
        if kk == 0:
            return e_rows, e_cols, sc[keep], bound, None, None
        if kk < c:
            ridx = np.argpartition(blk, c - kk, axis=0)[c - kk:, :]
            rsc = np.take_along_axis(blk, ridx, axis=0)
        else:
            ridx = np.broadcast_to(np.arange(c)[:, None], (c, m))
            rsc = blk
        return e_rows, e_cols, sc[keep], bound, rows[ridx], np.array(rsc)

    parts_r, parts_c, parts_s = [], [], []
    bound = np.full(pool.n_mentees, -np.inf, dtype=np.float32)
    top_rows = top_sc = None
    n_threads = max(1, threads if threads is not None else min(2, os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=n_threads) as ex:
        for start, (e_rows, e_cols, e_score, b, r_rows, r_sc) in _bounded_map(ex, work, starts, 2 * n_threads):
            bound[rows_all[start:start + chunk]] = b
            parts_r.append(e_rows)
            parts_c.append(e_cols)
            parts_s.append(e_score)
            if r_rows is None:
                continue
            if top_rows is None:
                top_rows, top_sc = r_rows, r_sc
            else:
                top_rows = np.concatenate([top_rows, r_rows], axis=0)
                top_sc = np.concatenate([top_sc, r_sc], axis=0)
            if top_rows.shape[0] > kr:
                t = top_rows.shape[0]
                sel = np.argpartition(top_sc, t - kr, axis=0)[t - kr:, :]
                top_rows = np.take_along_axis(top_rows, sel, axis=0)
                top_sc = np.take_along_axis(top_sc, sel, axis=0)
    if top_rows is not None:
        keep = top_sc > _ELIGIBLE_ABOVE
        parts_r.append(top_rows[keep])
        parts_c.append(np.broadcast_to(cols[None, :], top_rows.shape)[keep])
        parts_s.append(top_sc[keep])
    mentee, mentor, score = _dedupe_edges(np.concatenate(parts_r), np.concatenate(parts_c),
                                          np.concatenate(parts_s), pool.n_mentors)
    np.clip(score, 0.0, 1.0, out=score)
    return Candidates(mentee, mentor, score.astype(np.float32), pool.n_mentees, pool.n_mentors,
                      scorer, bound)
