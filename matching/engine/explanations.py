"""Explanations: every component's value and contribution for given pairs,
with a reason in words and the hard constraints that remove a pair, and the
best suggestions for one mentee."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .pool import PLATFORM_ANY, PLATFORM_SENIOR_TO_JUNIOR, Pool
from .scoring import _ELIGIBLE_ABOVE, COMPONENTS, Scorer, Weights, distance_km, scorer_for
from .text import text_features


@dataclass(frozen=True)
class Component:
    name: str
    value: float          # v_c in [0, 1]
    weight: float         # the program's weight w_c
    contribution: float   # w_c · v_c / Σ w
    reason: str


@dataclass(frozen=True)
class Explanation:
    mentee: int
    mentor: int
    score: float          # Σ contributions
    eligible: bool
    components: tuple[Component, ...]
    excluded_because: tuple[str, ...] = ()

    def reasons(self) -> list[str]:
        """Reasons of the components that add to the score, largest first."""
        parts = sorted((c for c in self.components if c.contribution > 0),
                       key=lambda c: -c.contribution)
        return [c.reason for c in parts]


def component_values(pool: Pool, weights: Weights, mentee_idx, mentor_idx) -> dict[str, np.ndarray]:
    """Every component's value v_c (float64) for the given pairs, vectorised.

    Also returns ``"score"`` = Σ w_c v_c / Σ w (eligibility is not checked).
    """
    i = np.asarray(mentee_idx, dtype=np.int64).reshape(-1)
    j = np.asarray(mentor_idx, dtype=np.int64).reshape(-1)
    eff = weights.effective()
    out: dict[str, np.ndarray] = {}

    needs, skills = pool.mentee_needs, pool.mentor_skills
    overlap = np.asarray(needs[i].multiply(skills[j]).sum(axis=1)).reshape(-1)
    count = np.diff(needs.indptr)[i]
    out["needs"] = np.where(count > 0, overlap / np.maximum(count, 1), 0.0)

    if eff["goals"] > 0:
        tf = text_features(pool)
        if tf.mentee.shape[1]:
            sim = np.asarray(tf.mentee[i].astype(np.float64).multiply(
                tf.mentor[j].astype(np.float64)).sum(axis=1)).reshape(-1)
        else:
            sim = np.zeros(i.size)
        out["goals"] = np.clip(sim, 0.0, 1.0)
    else:
        out["goals"] = np.zeros(i.size)

    pref = pool.mentee_platform[i]
    le, lr = pool.mentee_level[i], pool.mentor_level[j]
    out["platform"] = np.select(
        [pref == PLATFORM_ANY, pref == PLATFORM_SENIOR_TO_JUNIOR],
        [np.ones(i.size), ((le > 0) & (lr > le)).astype(float)],
        ((le > 0) & (lr == le)).astype(float))

    d = distance_km(pool.mentee_lat[i], pool.mentee_lon[i], pool.mentor_lat[j], pool.mentor_lon[j])
    out["distance"] = np.where(np.isfinite(d), np.exp(-np.nan_to_num(d) / weights.distance_scale_km), 0.0)
    out["distance_km"] = d

    ue, ur = pool.mentee_unit[i], pool.mentor_unit[j]
    known = (ue >= 0) & (ur >= 0)
    if weights.org_unit_preference == "different":
        out["org_unit"] = (known & (ue != ur)).astype(float)
    else:
        out["org_unit"] = (known & (ue == ur)).astype(float)
    out["leadership"] = pool.mentor_leader[j].astype(float)

    total = weights.total
    out["score"] = sum(eff[c] * out[c] for c in COMPONENTS) / total
    return out


def _names(items: Sequence[str], limit: int = 5) -> str:
    items = list(items)
    text = ", ".join(items[:limit])
    if len(items) > limit:
        text += f" and {len(items) - limit} more"
    return text


def _top_terms(pool: Pool, i: np.ndarray, j: np.ndarray, n: int = 3) -> list[list[str]]:
    """The words that add most to each pair's text similarity."""
    tf = text_features(pool)
    if tf.mentee.shape[1] == 0 or i.size == 0:
        return [[] for _ in range(i.size)]
    prod = tf.mentee[i].multiply(tf.mentor[j]).tocsr()
    prod.eliminate_zeros()
    row = np.repeat(np.arange(i.size), np.diff(prod.indptr))
    order = np.lexsort((-prod.data, row))
    ranked_cols = prod.indices[order]
    ranked_rows = row[order]
    rank = np.arange(order.size) - np.searchsorted(ranked_rows, ranked_rows, side="left")
    out: list[list[str]] = [[] for _ in range(i.size)]
    for r, c in zip(ranked_rows[rank < n].tolist(), ranked_cols[rank < n].tolist()):
        out[r].append(tf.terms[c])
    return out


def _excluded(pool: Pool, weights: Weights, i: np.ndarray, j: np.ndarray,
              vals: dict[str, np.ndarray]) -> list[tuple[str, ...]]:
    """Per pair, the hard constraints that remove it (empty = eligible)."""
    fi, fj = pool.forbidden
    m = pool.n_mentors
    forbidden = np.isin(i * m + j, fi * m + fj)
    strict = (weights.platform_strict & (pool.mentee_platform[i] != PLATFORM_ANY)
              & (vals["platform"] < 0.5))
    low = vals["score"] < weights.min_score
    matched = pool.mentee_matched[i]
    full = pool.mentor_capacity[j] <= 0
    out = []
    for p in range(i.size):
        reasons = []
        if matched[p]:
            reasons.append("mentee already has the most mentors the program allows")
        if full[p]:
            reasons.append("mentor has no free place")
        if forbidden[p]:
            reasons.append("excluded pair (supervisor chain, same person, or an earlier pair in this program)")
        if strict[p]:
            reasons.append("not on the mentee's chosen platform")
        if low[p]:
            reasons.append(f"score {vals['score'][p]:.2f} is below the program's minimum {weights.min_score:.2f}")
        out.append(tuple(reasons))
    return out


def explain_many(pool: Pool, weights: Weights, mentee_idx, mentor_idx) -> list[Explanation]:
    """:func:`explain` for many pairs at once (values computed vectorised)."""
    i = np.asarray(mentee_idx, dtype=np.int64).reshape(-1)
    j = np.asarray(mentor_idx, dtype=np.int64).reshape(-1)
    vals = component_values(pool, weights, i, j)
    eff = weights.effective()
    total = weights.total
    excluded = _excluded(pool, weights, i, j, vals)
    terms = _top_terms(pool, i, j) if eff["goals"] > 0 else [[] for _ in range(i.size)]
    needs, skills = pool.mentee_needs, pool.mentor_skills
    names = pool.tag_names
    out = []
    for p, (a, b) in enumerate(zip(i.tolist(), j.tolist())):
        need_tags = needs.indices[needs.indptr[a]:needs.indptr[a + 1]]
        offered = set(skills.indices[skills.indptr[b]:skills.indptr[b + 1]].tolist())
        shared = [names[t] for t in need_tags.tolist() if t in offered]
        if need_tags.size == 0:
            needs_reason = "you listed no needs"
        elif shared:
            needs_reason = f"shares {len(shared)} of your {need_tags.size} needs: {_names(shared)}"
        else:
            needs_reason = f"offers none of your {need_tags.size} needs"

        g = float(vals["goals"][p])
        goals_reason = (f"similar goals and career history ({g:.2f}): {', '.join(terms[p])}" if g > 0
                        else "no words in common between your goals and the mentor's history")

        pref = int(pool.mentee_platform[a])
        le, lr = int(pool.mentee_level[a]), int(pool.mentor_level[b])
        label = "senior-to-junior" if pref == PLATFORM_SENIOR_TO_JUNIOR else "peer-to-peer"
        if pref == PLATFORM_ANY:
            platform_reason = "no platform preference"
        elif le == 0 or lr == 0:
            platform_reason = f"{label}: career level unknown"
        elif vals["platform"][p] > 0:
            platform_reason = (f"senior-to-junior: mentor is level {lr}, you are level {le}"
                               if pref == PLATFORM_SENIOR_TO_JUNIOR else f"peer-to-peer: both level {le}")
        else:
            platform_reason = f"{label} asked, but mentor is level {lr} and you are level {le}"

        d = float(vals["distance_km"][p])
        if not math.isfinite(d):
            distance_reason = "location unknown"
        elif d < 1:
            distance_reason = "less than 1 km apart"
        else:
            distance_reason = f"{d:,.0f} km apart"

        ue, ur = int(pool.mentee_unit[a]), int(pool.mentor_unit[b])
        if ue < 0 or ur < 0:
            unit_reason = "organisation unit unknown"
        elif ue == ur:
            unit_reason = f"same organisation unit ({pool.unit_label(ue)})"
        else:
            unit_reason = f"different organisation units ({pool.unit_label(ue)}, {pool.unit_label(ur)})"
        leader_reason = "holds a leadership position" if pool.mentor_leader[b] else "no leadership position"

        reasons = {"needs": needs_reason, "goals": goals_reason, "platform": platform_reason,
                   "distance": distance_reason, "org_unit": unit_reason, "leadership": leader_reason}
        components = tuple(
            Component(name, float(vals[name][p]), eff[name], eff[name] * float(vals[name][p]) / total,
                      reasons[name])
            for name in COMPONENTS if eff[name] > 0)
        score = math.fsum(c.contribution for c in components)
        out.append(Explanation(a, b, score, not excluded[p], components, excluded[p]))
    return out


def explain(pool: Pool, weights: Weights, i: int, j: int) -> Explanation:
    """Why mentee ``i`` and mentor ``j`` score what they score, component by
    component; ``eligible`` is False (with ``excluded_because``) when a hard
    constraint removes the pair."""
    return explain_many(pool, weights, [i], [j])[0]


@dataclass(frozen=True)
class Suggestion:
    mentor: int
    score: float
    explanation: Explanation


def suggest(pool: Pool, weights: Weights, mentee_index: int, limit: int = 5,
            *, scorer: Scorer | None = None) -> list[Suggestion]:
    """Best eligible mentors with a free place for one mentee, best first
    (ties by mentor index), each with its explanation."""
    scorer = scorer or scorer_for(pool, weights)
    cols = scorer.active_cols
    if cols.size == 0 or limit <= 0:
        return []
    row = scorer.block(np.array([mentee_index]), cols, cache_key="active")[0]
    ok = np.flatnonzero(row > _ELIGIBLE_ABOVE)
    best = cols[ok[np.lexsort((cols[ok], -row[ok]))][:limit]]
    whys = explain_many(pool, weights, np.full(best.size, mentee_index), best)
    return [Suggestion(int(j), why.score, why) for j, why in zip(best, whys)]
