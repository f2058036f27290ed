"""Explanations: every component's value and contribution for given pairs,
with a reason in words and the hard constraints that remove a pair, and the
best suggestions for one mentee.

A reason is a sentence its reader understands: it names the shared skills, the
words the goals and history have in common, the career levels by their names
(``Pool.level_names``) and the places, never a raw score or a field's name."""

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
    """"a, b and c"; past `limit`, "a, b, c, d, e and 2 more"."""
    items = list(items)
    if len(items) > limit:
        return ", ".join(items[:limit]) + f" and {len(items) - limit} more"
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# Words of the goals and histories that say nothing to a reader about why two
# people fit (every profile in a mentoring program has them), and numbers; the
# scoring keeps them, the reasons do not name them.
UNTELLING_TERMS = frozenset("""
program programs programme mentor mentors mentee mentees mentoring mentorship
year years experience work working
""".split())


def _top_terms(pool: Pool, i: np.ndarray, j: np.ndarray, n: int = 3) -> list[list[str]]:
    """The words that add most to each pair's text similarity (words in
    ``UNTELLING_TERMS`` and numbers left out)."""
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
    keep = rank < 3 * n  # room for the words left out
    out: list[list[str]] = [[] for _ in range(i.size)]
    for r, c in zip(ranked_rows[keep].tolist(), ranked_cols[keep].tolist()):
        term = tf.terms[c]
        if len(out[r]) < n and term not in UNTELLING_TERMS and not term.isdigit():
            out[r].append(term)
    return out


# Who reads a pair's reasons: the mentee ("you", "they") on the suggestions and
# shortlists, or a coordinator ("the mentee", "the mentor") reviewing a match run.
MENTEE = "mentee"
COORDINATOR = "coordinator"
AUDIENCES = (MENTEE, COORDINATOR)

# Each reason, in each audience's words.
_SAY = {
    MENTEE: {
        "needs_none_listed": "You listed nothing you want to develop",
        "needs_one": "Offers the skill you want to develop: {names}",
        "needs_both": "Offers both skills you want to develop: {names}",
        "needs_all": "Offers all {total} skills you want to develop: {names}",
        "needs_some": "Offers {shared} of the {total} skills you want to develop: {names}",
        "needs_none": "Offers none of the skills you want to develop ({names})",
        "goals_words": "Your goals and their career history both mention {words}",
        "goals_close": "Your goals are close to their career history",
        "goals_apart": "Your goals and their career history have no words in common",
        "platform_any": "You chose no platform, so any career level suits",
        "platform_unknown_mentee": "You asked for a {platform} pair, but your career level is not on your profile",
        "platform_unknown_mentor": "You asked for a {platform} pair, but their career level is not on their profile",
        "platform_unknown_both": "You asked for a {platform} pair, but neither profile gives a career level",
        "platform_senior": "Senior-to-junior, as you asked: they are {mentor}, you are {mentee}",
        "platform_peer": "Peer-to-peer, as you asked: you are both {mentee}",
        "platform_miss": "You asked for a {platform} pair, but they are {mentor} and you are {mentee}",
        "distance_unknown": "How far apart you are is not known: a location is missing from a profile",
        "distance_near": "Less than 1 km apart",
        "distance": "About {km} km apart",
        "unit_unknown": "Where one of you works is not on the profiles",
        "unit_same": "You both work at {mentee}",
        "unit_different": "They work at {mentor}, you at {mentee}",
        "leader": "They hold a leadership position",
        "not_leader": "They do not hold a leadership position",
    },
    COORDINATOR: {
        "needs_none_listed": "The mentee listed no development needs",
        "needs_one": "Offers the mentee's one development need: {names}",
        "needs_both": "Offers both of the mentee's development needs: {names}",
        "needs_all": "Offers all {total} of the mentee's development needs: {names}",
        "needs_some": "Offers {shared} of the mentee's {total} development needs: {names}",
        "needs_none": "Offers none of the mentee's development needs ({names})",
        "goals_words": "The mentee's goals and the mentor's career history both mention {words}",
        "goals_close": "The mentee's goals are close to the mentor's career history",
        "goals_apart": "The mentee's goals and the mentor's career history have no words in common",
        "platform_any": "The mentee chose no platform, so any career level suits",
        "platform_unknown_mentee": "The mentee asked for a {platform} pair, but the mentee's career level is not on their profile",
        "platform_unknown_mentor": "The mentee asked for a {platform} pair, but the mentor's career level is not on their profile",
        "platform_unknown_both": "The mentee asked for a {platform} pair, but neither profile gives a career level",
        "platform_senior": "Senior-to-junior, as the mentee asked: the mentor is {mentor}, the mentee {mentee}",
        "platform_peer": "Peer-to-peer, as the mentee asked: both are {mentee}",
        "platform_miss": "The mentee asked for a {platform} pair, but the mentor is {mentor} and the mentee {mentee}",
        "distance_unknown": "How far apart they are is not known: a location is missing from a profile",
        "distance_near": "Less than 1 km apart",
        "distance": "About {km} km apart",
        "unit_unknown": "Where one of them works is not on the profiles",
        "unit_same": "Both work at {mentee}",
        "unit_different": "The mentor works at {mentor}, the mentee at {mentee}",
        "leader": "The mentor holds a leadership position",
        "not_leader": "The mentor does not hold a leadership position",
    },
}


def _level(pool: Pool, code: int) -> str:
    """A career level's name inside a sentence: "mid-career", "senior"."""
    label = pool.level_label(code)
    return label[:1].lower() + label[1:]


def _quoted(words: Sequence[str]) -> str:
    return _names([f"“{w}”" for w in words])


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
            reasons.append(f"a {vals['score'][p]:.0%} match is below the program's minimum of {weights.min_score:.0%}")
        out.append(tuple(reasons))
    return out


def explain_many(pool: Pool, weights: Weights, mentee_idx, mentor_idx, *,
                 audience: str = MENTEE) -> list[Explanation]:
    """:func:`explain` for many pairs at once (values computed vectorised)."""
    if audience not in AUDIENCES:
        raise ValueError(f"audience is one of {AUDIENCES}")
    i = np.asarray(mentee_idx, dtype=np.int64).reshape(-1)
    j = np.asarray(mentor_idx, dtype=np.int64).reshape(-1)
    vals = component_values(pool, weights, i, j)
    eff = weights.effective()
    total = weights.total
    excluded = _excluded(pool, weights, i, j, vals)
    terms = _top_terms(pool, i, j) if eff["goals"] > 0 else [[] for _ in range(i.size)]
    needs, skills = pool.mentee_needs, pool.mentor_skills
    names = pool.tag_names
    say = _SAY[audience]
    out = []
    for p, (a, b) in enumerate(zip(i.tolist(), j.tolist())):
        need_tags = needs.indices[needs.indptr[a]:needs.indptr[a + 1]]
        offered = set(skills.indices[skills.indptr[b]:skills.indptr[b + 1]].tolist())
        shared = [names[t] for t in need_tags.tolist() if t in offered]
        listed = int(need_tags.size)
        if listed == 0:
            needs_reason = say["needs_none_listed"]
        elif not shared:
            needs_reason = say["needs_none"].format(names=_names([names[t] for t in need_tags.tolist()]))
        else:
            key = ("needs_some" if len(shared) < listed else
                   "needs_one" if listed == 1 else "needs_both" if listed == 2 else "needs_all")
            needs_reason = say[key].format(shared=len(shared), total=listed, names=_names(shared))

        if float(vals["goals"][p]) <= 0:
            goals_reason = say["goals_apart"]
        elif terms[p]:
            goals_reason = say["goals_words"].format(words=_quoted(terms[p]))
        else:
            goals_reason = say["goals_close"]

        pref = int(pool.mentee_platform[a])
        le, lr = int(pool.mentee_level[a]), int(pool.mentor_level[b])
        label = "senior-to-junior" if pref == PLATFORM_SENIOR_TO_JUNIOR else "peer-to-peer"
        if pref == PLATFORM_ANY:
            platform_reason = say["platform_any"]
        elif le == 0 or lr == 0:
            which = "both" if le == lr == 0 else "mentee" if le == 0 else "mentor"
            platform_reason = say[f"platform_unknown_{which}"].format(platform=label)
        else:
            key = ("platform_miss" if vals["platform"][p] <= 0 else
                   "platform_senior" if pref == PLATFORM_SENIOR_TO_JUNIOR else "platform_peer")
            platform_reason = say[key].format(platform=label, mentor=_level(pool, lr), mentee=_level(pool, le))

        d = float(vals["distance_km"][p])
        if not math.isfinite(d):
            distance_reason = say["distance_unknown"]
        elif d < 1:
            distance_reason = say["distance_near"]
        else:
            distance_reason = say["distance"].format(km=f"{d:,.0f}")

        ue, ur = int(pool.mentee_unit[a]), int(pool.mentor_unit[b])
        if ue < 0 or ur < 0:
            unit_reason = say["unit_unknown"]
        else:
            unit_reason = say["unit_same" if ue == ur else "unit_different"].format(
                mentee=pool.unit_label(ue), mentor=pool.unit_label(ur))
        leader_reason = say["leader" if pool.mentor_leader[b] else "not_leader"]

        reasons = {"needs": needs_reason, "goals": goals_reason, "platform": platform_reason,
                   "distance": distance_reason, "org_unit": unit_reason, "leadership": leader_reason}
        components = tuple(
            Component(name, float(vals[name][p]), eff[name], eff[name] * float(vals[name][p]) / total,
                      reasons[name])
            for name in COMPONENTS if eff[name] > 0)
        score = math.fsum(c.contribution for c in components)
        out.append(Explanation(a, b, score, not excluded[p], components, excluded[p]))
    return out


def explain(pool: Pool, weights: Weights, i: int, j: int, *, audience: str = MENTEE) -> Explanation:
    """Why mentee ``i`` and mentor ``j`` score what they score, component by
    component, in sentences for ``audience`` (the mentee, or a coordinator
    reading about the mentee); ``eligible`` is False (with
    ``excluded_because``) when a hard constraint removes the pair."""
    return explain_many(pool, weights, [i], [j], audience=audience)[0]


@dataclass(frozen=True)
class Suggestion:
    mentor: int
    score: float
    explanation: Explanation


def suggest(pool: Pool, weights: Weights, mentee_index: int, limit: int = 5,
            *, scorer: Scorer | None = None, audience: str = MENTEE) -> list[Suggestion]:
    """Best eligible mentors with a free place for one mentee, best first
    (ties by mentor index), each with its explanation."""
    scorer = scorer or scorer_for(pool, weights)
    cols = scorer.active_cols
    if cols.size == 0 or limit <= 0:
        return []
    row = scorer.block(np.array([mentee_index]), cols, cache_key="active")[0]
    ok = np.flatnonzero(row > _ELIGIBLE_ABOVE)
    best = cols[ok[np.lexsort((cols[ok], -row[ok]))][:limit]]
    whys = explain_many(pool, weights, np.full(best.size, mentee_index), best, audience=audience)
    return [Suggestion(int(j), why.score, why) for j, why in zip(best, whys)]
