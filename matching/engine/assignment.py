"""The cohort assignment: min-cost max-flow (OR-Tools) on the candidate
graph, widened until the number matched is the maximum over the pool, then
column generation until no pair could raise the total score."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .candidates import Candidates
from .scoring import _ELIGIBLE_ABOVE, Scorer

# Integer resolution of scores in the min-cost flow (1e-8 per pair).
_COST_SCALE = 10**8

# Column generation: a pair must improve the score by more than this to be
# added (scores are float32, so smaller differences are rounding noise).
_PRICE_TOLERANCE = 2e-6
# Re-solves keep the pairs whose reduced cost is below this (score units).
_PRUNE_MARGIN = 0.05
# Pricing outside the stored pairs also stores pairs this close to pricing
# out, so the next rounds find them without re-scoring.
_PRICE_MARGIN = 0.02
# assign() certifies the optimum (re-scoring until no pair prices out) for
# pools up to this many mentee × mentor pairs; above, one pricing pass.
_CERTIFY_MAX_PAIRS = 20_000_000


@dataclass
class Assignment:
    """Pairs chosen for a cohort (one mentor per mentee), sorted by mentee."""

    mentee: np.ndarray
    mentor: np.ndarray
    score: np.ndarray
    n_mentees: int
    rounds: int = 1        # flow solves
    pairs_added: int = 0   # pairs beyond the candidates, by widening and pricing
    # True when column generation proved no pair of the pool could raise the
    # total score (only set by assign with optimise=True).
    optimal: bool = False

    @property
    def matched(self) -> int:
        return int(self.mentee.size)

    @property
    def total_score(self) -> float:
        return float(np.sum(self.score, dtype=np.float64))

    def mentor_of(self) -> np.ndarray:
        out = np.full(self.n_mentees, -1, dtype=np.int64)
        out[self.mentee] = self.mentor
        return out


def _costs(score: np.ndarray) -> np.ndarray:
    """Integer arc costs: ``SCALE·(1 - score)`` rounded, so >= 0.

    Any maximum flow moves the same number of units through mentee arcs, so
    the constant per unit does not change which max-flow is cheapest.
    """
    s = np.clip(score.astype(np.float64), 0.0, 1.0)
    return _COST_SCALE - np.rint(s * _COST_SCALE).astype(np.int64)


def _solve_flow(mentee, mentor, cost, capacity, n_mentees) -> np.ndarray:
    """Edge mask of a max-cardinality, then min-cost b-matching (OR-Tools)."""
    from ortools.graph.python import min_cost_flow

    n_mentors = capacity.size
    smcf = min_cost_flow.SimpleMinCostFlow()
    src, sink = n_mentees + n_mentors, n_mentees + n_mentors + 1
    used_rows = np.unique(mentee)
    used_cols = np.unique(mentor)
    pair_arcs = smcf.add_arcs_with_capacity_and_unit_cost(
        mentee.astype(np.int32), (n_mentees + mentor).astype(np.int32),
        np.ones(mentee.size, np.int64), cost)
    smcf.add_arcs_with_capacity_and_unit_cost(
        np.full(used_rows.size, src, np.int32), used_rows.astype(np.int32),
        np.ones(used_rows.size, np.int64), np.zeros(used_rows.size, np.int64))
    smcf.add_arcs_with_capacity_and_unit_cost(
        (n_mentees + used_cols).astype(np.int32), np.full(used_cols.size, sink, np.int32),
        capacity[used_cols].astype(np.int64), np.zeros(used_cols.size, np.int64))
    supply = int(min(used_rows.size, capacity[used_cols].sum()))
    smcf.set_node_supply(src, supply)
    smcf.set_node_supply(sink, -supply)
    status = smcf.solve_max_flow_with_min_cost()
    if status != smcf.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    return smcf.flows(pair_arcs) > 0


def _widen_unmatched(scorer: Scorer, mentor_of: np.ndarray, residual: np.ndarray,
                     per_mentee: int = 50):
    """Eligible pairs of unmatched mentees with mentors that have a free
    place: all of them, or each mentee's best ``per_mentee`` (enough for the
    flow to match every such mentee it can; the graph stays small)."""
    unmatched = scorer.active_rows[mentor_of[scorer.active_rows] < 0]
    free = np.flatnonzero((residual > 0) & scorer.col_active)
    if unmatched.size == 0 or free.size == 0:
        return None
    parts = []
    chunk = scorer.chunk_rows(free.size)
    for s in range(0, unmatched.size, chunk):
        rows = unmatched[s:s + chunk]
        blk = scorer.block(rows, free)
        if free.size > per_mentee:
            top = np.argpartition(blk, free.size - per_mentee, axis=1)[:, free.size - per_mentee:]
            r, c = np.nonzero(np.take_along_axis(blk, top, axis=1) > _ELIGIBLE_ABOVE)
            c = top[r, c]
        else:
            r, c = np.nonzero(blk > _ELIGIBLE_ABOVE)
        if r.size:
            parts.append((rows[r], free[c], blk[r, c]))
    if not parts:
        return None
    return tuple(np.concatenate([p[k] for p in parts]) for k in range(3))


def _augmenting_tree_edges(scorer: Scorer, mentor_of: np.ndarray, residual: np.ndarray):
    """Edges of shortest alternating paths from unmatched mentees to mentors
    with a free place, searched over the *full* eligible graph (BFS by
    levels, scoring only the frontier's rows against unvisited mentors)."""
    m = scorer.pool.n_mentors
    unmatched = scorer.active_rows[mentor_of[scorer.active_rows] < 0]
    if unmatched.size == 0 or not ((residual > 0) & scorer.col_active).any():
        return None
    assigned = np.flatnonzero(mentor_of >= 0)
    by_mentor = assigned[np.argsort(mentor_of[assigned], kind="stable")]
    ptr = np.concatenate([[0], np.cumsum(np.bincount(mentor_of[assigned], minlength=m))])
    visited = ~scorer.col_active
    parent = np.full(m, -1, dtype=np.int64)
    parent_score = np.zeros(m, dtype=np.float32)
    frontier = unmatched
    while frontier.size:
        cols = np.flatnonzero(~visited)
        if cols.size == 0:
            return None
        chunk = scorer.chunk_rows(cols.size)
        discovered = []
        for s in range(0, frontier.size, chunk):
            rows = frontier[s:s + chunk]
            blk = scorer.block(rows, cols)
            ok = blk > _ELIGIBLE_ABOVE
            hit = np.flatnonzero(ok.any(axis=0) & ~visited[cols])
            if hit.size == 0:
                continue
            first = ok[:, hit].argmax(axis=0)
            new_cols = cols[hit]
            parent[new_cols] = rows[first]
            parent_score[new_cols] = blk[first, hit]
            visited[new_cols] = True
            discovered.append(new_cols)
        if not discovered:
            return None
        new = np.concatenate(discovered)
        if (residual[new] > 0).any():
            tree = np.flatnonzero(parent >= 0)
            return parent[tree], tree, parent_score[tree]
        frontier = np.concatenate([by_mentor[ptr[c]:ptr[c + 1]] for c in new])
    return None


def _potentials(n_nodes: int, tails: np.ndarray, heads: np.ndarray, costs: np.ndarray,
                max_iter: int) -> np.ndarray | None:
    """Shortest distances from a virtual root joined to every node by 0-cost
    arcs: Bellman-Ford that only relaxes the arcs of nodes improved in the
    previous pass (vectorised per pass).  None if it does not settle, which
    would mean a negative cycle."""
    d = np.zeros(n_nodes, dtype=np.int64)
    if tails.size == 0:
        return d
    order = np.argsort(tails, kind="stable")
    tails, heads, costs = tails[order], heads[order], costs[order]
    ptr = np.concatenate([[0], np.cumsum(np.bincount(tails, minlength=n_nodes))])
    frontier = np.unique(tails)
    for _ in range(max_iter):
        cnt = ptr[frontier + 1] - ptr[frontier]
        total = int(cnt.sum())
        if total == 0:
            return d
        arcs = np.repeat(ptr[frontier] - (np.cumsum(cnt) - cnt), cnt) + np.arange(total)
        h = heads[arcs]
        cand = d[tails[arcs]] + costs[arcs]
        better = cand < d[h]
        if not better.any():
            return d
        h, cand = h[better], cand[better]
        np.minimum.at(d, h, cand)
        frontier = np.unique(h)
    return None


def _residual_potentials(mentee, mentor, cost, chosen, capacity, n_mentees: int,
                         rows_act: np.ndarray, cols_act: np.ndarray) -> np.ndarray | None:
    """Node potentials of an optimal flow: shortest distances in its residual
    graph (mentees 0..n-1, mentors n.., then source and sink)."""
    n_mentors = capacity.size
    src, sink = n_mentees + n_mentors, n_mentees + n_mentors + 1
    matched = np.zeros(n_mentees, dtype=bool)
    matched[mentee[chosen]] = True
    flow = np.bincount(mentor[chosen], minlength=n_mentors)
    free = ~chosen
    unm_rows = rows_act[~matched[rows_act]]
    mat_rows = rows_act[matched[rows_act]]
    open_cols = cols_act[flow[cols_act] < capacity[cols_act]]
    used_cols = cols_act[flow[cols_act] > 0]
    tails = np.concatenate([mentee[free], n_mentees + mentor[chosen],
                            np.full(unm_rows.size, src), mat_rows,
                            n_mentees + open_cols, np.full(used_cols.size, sink)])
    heads = np.concatenate([n_mentees + mentor[free], mentee[chosen],
                            unm_rows, np.full(mat_rows.size, src),
                            np.full(open_cols.size, sink), n_mentees + used_cols])
    costs = np.concatenate([cost[free], -cost[chosen],
                            np.zeros(unm_rows.size + mat_rows.size + open_cols.size + used_cols.size,
                                     dtype=np.int64)])
    return _potentials(n_mentees + n_mentors + 2, tails.astype(np.int64), heads.astype(np.int64),
                       costs, max_iter=2 * (n_mentees + n_mentors) + 10)


def _price_outside(scorer: Scorer, bound: np.ndarray | None, d: np.ndarray,
                   mentor_of: np.ndarray, margin: float = 0.0, max_new_per_row: int = 50):
    """Eligible pairs outside the candidate graph with a negative reduced cost.

    Pair (i, j) prices out when ``cost_ij + d_i - d_j < 0``, i.e. when
    ``s_ij > alpha_i - beta_j``.  A pair outside mentee i's top-k scores at
    most ``bound[i]``, so only mentors with ``beta_j > alpha_i - bound[i]``
    (a prefix of the mentors sorted by beta) are re-scored for row i.
    Pairs within ``margin`` of pricing out are returned too (with their
    gain), so later rounds find them among the stored pairs.
    """
    n_mentees, n_mentors = scorer.pool.n_mentees, scorer.pool.n_mentors
    rows_act, cols_act = scorer.active_rows, scorer.active_cols
    if rows_act.size == 0 or cols_act.size == 0:
        return None
    tol = _PRICE_TOLERANCE
    alpha = 1.0 + d[:n_mentees] / _COST_SCALE + tol
    beta = d[n_mentees:n_mentees + n_mentors] / _COST_SCALE
    by_beta = cols_act[np.argsort(-beta[cols_act], kind="stable")]
    beta_sorted = beta[by_beta]
    upper = np.full(rows_act.size, np.inf) if bound is None else bound[rows_act].astype(np.float64)
    need = np.searchsorted(-beta_sorted, -(alpha[rows_act] - margin - upper), side="left")
    rows, need = rows_act[need > 0], need[need > 0]
    if rows.size == 0:
        return None
    order = np.argsort(-need, kind="stable")
    rows, need = rows[order], need[order]
    # Rows are grouped by the prefix of by_beta they need, rounded up to
    # 32·2^c mentors (at most twice the cells needed, few groups).
    lookup = np.full(n_mentors, -1, dtype=np.int64)
    lookup[by_beta] = np.arange(by_beta.size)
    widths = np.minimum(by_beta.size, 32 * 2 ** np.ceil(np.log2(np.maximum(need, 1) / 32.0)).clip(0)).astype(np.int64)
    parts = []
    s = 0
    while s < rows.size:
        width = int(widths[s])
        stop = min(s + scorer.chunk_rows(width), s + int(np.searchsorted(-widths[s:], -width, side="right")))
        r = rows[s:stop]
        s = stop
        cols = by_beta[:width]
        blk = scorer.block(r, by_beta, cache_key=("price", 0), width=width)
        gain = blk.astype(np.float64)
        gain += beta[cols]
        gain -= alpha[r][:, None]
        gain[blk < _ELIGIBLE_ABOVE] = -1.0
        # The pair a mentee is matched with is in the flow already.
        at = np.where(mentor_of[r] >= 0, lookup[np.maximum(mentor_of[r], 0)], -1)
        has = np.flatnonzero((at >= 0) & (at < width))
        gain[has, at[has]] = -1.0
        k = min(max_new_per_row, width)
        top = np.argpartition(gain, width - k, axis=1)[:, width - k:]
        g = np.take_along_axis(gain, top, axis=1)
        rr, cc = np.nonzero(g > -margin)
        if rr.size:
            c_idx = top[rr, cc]
            parts.append((r[rr], cols[c_idx], blk[rr, c_idx], g[rr, cc]))
    scorer.drop_cache("price")
    if not parts:
        return None
    return tuple(np.concatenate([p[k] for p in parts]) for k in range(4))


def _locate(keys: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each wanted key: is it in ``keys``, and at which index."""
    if keys.size == 0:
        return np.zeros(wanted.size, bool), np.zeros(wanted.size, np.int64)
    order = np.argsort(keys, kind="stable")
    pos = np.minimum(np.searchsorted(keys[order], wanted), keys.size - 1)
    return keys[order[pos]] == wanted, order[pos]


def assign(cands: Candidates, mentor_capacity, n_mentees: int, *, widen: bool = True,
           optimise: bool = True, pricing_passes: int | None | str = "auto",
           max_rounds: int = 40) -> Assignment:
    """Capacity-aware optimum for a cohort.

    Maximises first the number of mentees matched (each at most one mentor,
    each mentor at most ``mentor_capacity``), then the total score, by
    min-cost max-flow (OR-Tools) on the candidate graph.

    With candidates made by :func:`candidates` (which carry their scorer):

    * ``widen``: mentees left unmatched get every eligible mentor with a free
      place (their best 50); if some stay unmatched while places are free,
      the edges of augmenting paths found over the full eligible graph are
      added; re-solve until neither adds anything, so the number matched is
      the maximum over the whole pool, not just over the top-k graph;
    * ``optimise``: column generation — the flow's node potentials give every
      pair a reduced cost; pairs whose reduced cost is negative (they could
      raise the total score) are added and the flow re-solved, until none is
      left in the whole pool (``Assignment.optimal``): the total score is
      then the optimum over all eligible pairs, to 1e-6 per pair.  Stored
      candidates are priced from their scores (cheap); only when none of
      them prices out are the pairs outside them re-scored, and only for the
      mentees whose top-k bound leaves room for a gain.  Re-solves use the
      pairs within ``_PRUNE_MARGIN`` of zero reduced cost plus the current
      pairs; the others stay stored and are priced again each round.
      ``pricing_passes`` caps the re-scoring passes (None: until certified;
      "auto": until certified for pools up to ``_CERTIFY_MAX_PAIRS`` pairs,
      else one pass — measured within 0.001 % of the optimum on the
      synthetic pools, at a fraction of the time).
    """
    capacity = np.asarray(mentor_capacity, dtype=np.int64).reshape(-1)
    n_mentors = cands.n_mentors
    scorer = cands.scorer
    edges = {"mentee": cands.mentee, "mentor": cands.mentor,
             "score": np.clip(cands.score.astype(np.float32), 0, 1)}
    edges["cost"] = _costs(edges["score"])
    active = np.ones(cands.mentee.size, dtype=bool)  # the pairs the solver sees
    rounds, added, optimal, passes, most_matched = 0, 0, False, 0, False
    tol = int(_PRICE_TOLERANCE * _COST_SCALE)
    if pricing_passes == "auto":
        pairs_in_pool = 0 if scorer is None else scorer.active_rows.size * scorer.active_cols.size
        pricing_passes = None if pairs_in_pool <= _CERTIFY_MAX_PAIRS else 1

    def merge(new, activate: np.ndarray | None = None) -> bool:
        """Store new pairs (active where ``activate``); True if the solver's
        graph grew."""
        nonlocal active, added
        i, j, sc = new[0], new[1], np.clip(new[2].astype(np.float32), 0, 1)
        on = np.ones(i.size, dtype=bool) if activate is None else activate
        keys, first = np.unique(i * n_mentors + j, return_index=True)
        i, j, sc, on = i[first], j[first], sc[first], on[first]
        present, where = _locate(edges["mentee"] * n_mentors + edges["mentor"], keys)
        back = where[present & on]
        grew = bool((~active[back]).any())
        active[back] = True
        fresh = ~present
        if fresh.any():
            edges["mentee"] = np.concatenate([edges["mentee"], i[fresh]])
            edges["mentor"] = np.concatenate([edges["mentor"], j[fresh]])
            edges["score"] = np.concatenate([edges["score"], sc[fresh]])
            edges["cost"] = np.concatenate([edges["cost"], _costs(sc[fresh])])
            active = np.concatenate([active, on[fresh]])
            added += int(fresh.sum())
            grew |= bool(on[fresh].any())
        return grew

    while True:
        rounds += 1
        mentee, mentor, cost = edges["mentee"], edges["mentor"], edges["cost"]
        idx = np.flatnonzero(active)
        chosen = np.zeros(mentee.size, dtype=bool)
        if idx.size:
            chosen[idx[_solve_flow(mentee[idx], mentor[idx], cost[idx], capacity, n_mentees)]] = True
        if scorer is None or rounds >= max_rounds or not (widen or optimise):
            break
        mentor_of = np.full(n_mentees, -1, dtype=np.int64)
        mentor_of[mentee[chosen]] = mentor[chosen]

        if widen and not most_matched:
            # Unmatched mentees first get back their stored pairs with mentors
            # that have a free place, then every such mentor, then the
            # augmenting paths through full mentors.
            residual = capacity - np.bincount(mentor[chosen], minlength=capacity.size)
            wake = (~active & (mentor_of[mentee] < 0) & scorer.row_active[mentee]
                    & (residual[mentor] > 0))
            if wake.any():
                active |= wake
                continue
            new = _widen_unmatched(scorer, mentor_of, residual)
            if new is None:
                new = _augmenting_tree_edges(scorer, mentor_of, residual)
            if new is not None and merge(new):
                continue
            # No augmenting path in the whole pool: the number matched is the
            # maximum, and later solves keep the current pairs, so it stays.
            most_matched = True
        if not optimise:
            break

        d = _residual_potentials(mentee[idx], mentor[idx], cost[idx], chosen[idx], capacity,
                                 n_mentees, scorer.active_rows, scorer.active_cols)
        if d is None:  # pragma: no cover - a negative cycle: the flow was not optimal
            break
        reduced = cost + d[mentee] - d[n_mentees + mentor]
        wake = ~active & (reduced < -tol)
        # Pairs far from tight sit out the next solve; they stay stored and
        # are priced again after it.
        active = chosen | (reduced < _PRUNE_MARGIN * _COST_SCALE)
        if wake.any():
            continue
        if pricing_passes is not None and passes >= pricing_passes:
            break
        passes += 1
        new = _price_outside(scorer, cands.bound, d, mentor_of, margin=_PRICE_MARGIN)
        if new is None or not merge(new[:3], activate=new[3] > 0):
            optimal = True
            break

    pairs = np.flatnonzero(chosen)
    pairs = pairs[np.argsort(edges["mentee"][pairs], kind="stable")]
    return Assignment(edges["mentee"][pairs], edges["mentor"][pairs],
                      edges["score"][pairs].astype(np.float64), n_mentees,
                      rounds=rounds, pairs_added=added, optimal=optimal)
