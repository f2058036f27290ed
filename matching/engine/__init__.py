"""Matching engine: scoring, eligibility, suggestions and optimal assignment.

Pure NumPy/SciPy, plus OR-Tools' min-cost flow for the cohort assignment; no
Django here, so the engine is tested and benchmarked on its own.  The Django
side turns profiles into a :class:`Pool` and a program's rule fields into
:class:`Weights`.

Score
    For every eligible (mentee, mentor) pair
    ``score = Σ_c w_c·v_c / Σ_c w_c`` with each component ``v_c`` in [0, 1]:

    ========== ==============================================================
    needs      share of the mentee's needs the mentor offers (0 if none listed)
    goals      cosine of the TF-IDF vectors of the mentee's goals and the
               mentor's bio + job history, fitted on the pool's own texts
    platform   no preference → 1; senior-to-junior → 1 if the mentor's level
               is above the mentee's; peer-to-peer → 1 if equal; else 0
               (0 when a level needed for the check is unknown)
    distance   exp(-d / distance_scale_km), d the straight-line (chord)
               distance in km (within 0.1 % of the great-circle distance
               below 1,000 km); 0 when either location is unknown
    org_unit   1 if the units are the same (preference "same") or differ
               (preference "different"), 0 otherwise or when unknown; the
               component is off for preference "any"
    leadership 1 if the mentor holds a leadership position
    ========== ==============================================================

    so the contributions ``w_c·v_c/Σw`` add up exactly to the score (see
    :func:`explain`).

Hard constraints (a pair is removed, never scored)
    mentor with no free place, mentee already matched, a forbidden pair
    (supervisor chain, same person in both roles, a pair that already ended in
    the program), and — only with ``Weights.platform_strict`` — a pair that
    does not fit the mentee's chosen platform.  Pairs scoring below
    ``Weights.min_score`` are not proposed either.

Speed
    Scores are computed in dense float32 blocks of ``chunk × mentors`` (two
    chunks at a time), never per pair: needs, goals (when the shared
    vocabulary is small), platform, unit and leadership are bilinear, so
    their weighted sum is one sparse × dense product; the distance comes
    from a table over unique locations (or an elementwise pass).  Only the
    top-k mentors per mentee and the top-k mentees per mentor are kept, so
    memory is bounded by the chunk, not by mentees × mentors.

Assignment
    :func:`assign` solves a min-cost max-flow on the candidate graph
    (source → mentee → mentor → sink, the mentor arcs carrying the
    capacity): first the largest number of mentees matched, then the
    greatest total score.  The candidate graph is then widened (unmatched
    mentees × mentors with free places, augmenting paths over the whole
    pool) until the number matched is the maximum for the whole pool, and
    column generation adds the pairs whose reduced cost under the flow's
    potentials shows they could raise the total score, until none is left
    (certified optimum) or the pass budget is spent.

Modules
    :mod:`~matching.engine.pool` (the input), :mod:`~matching.engine.text`
    (TF-IDF), :mod:`~matching.engine.scoring` (weights, distances, the
    block scorer), :mod:`~matching.engine.candidates` (the top-k graph),
    :mod:`~matching.engine.explanations` (components in words,
    suggestions), :mod:`~matching.engine.assignment` (the flow solver) and
    :mod:`~matching.engine.baselines` (greedy and exact references).  This
    package only re-exports their public names; the module-level tunables
    (``_BLOCK_CELLS``, ``_COST_SCALE``, ...) are read where they are
    defined, so patch them there.
"""

from .assignment import Assignment, assign
from .baselines import assign_exact_reference, assign_greedy, exact_assignment
from .candidates import Candidates, candidates
from .explanations import (
    COORDINATOR,
    MENTEE,
    Component,
    Explanation,
    Suggestion,
    component_values,
    explain,
    explain_many,
    suggest,
)
from .pool import PLATFORM_ANY, PLATFORM_PEER, PLATFORM_SENIOR_TO_JUNIOR, Pool
from .scoring import (
    COMPONENTS,
    EARTH_RADIUS_KM,
    ORG_UNIT_PREFERENCES,
    Scorer,
    Weights,
    distance_km,
    scorer_for,
    scores_dense,
)
from .text import STOP_WORDS, text_features, tfidf

__all__ = [
    # pool
    "PLATFORM_ANY",
    "PLATFORM_PEER",
    "PLATFORM_SENIOR_TO_JUNIOR",
    "Pool",
    # text
    "STOP_WORDS",
    "text_features",
    "tfidf",
    # scoring
    "COMPONENTS",
    "EARTH_RADIUS_KM",
    "ORG_UNIT_PREFERENCES",
    "Scorer",
    "Weights",
    "distance_km",
    "scorer_for",
    "scores_dense",
    # candidates
    "Candidates",
    "candidates",
    # explanations
    "COORDINATOR",
    "MENTEE",
    "Component",
    "Explanation",
    "Suggestion",
    "component_values",
    "explain",
    "explain_many",
    "suggest",
    # assignment
    "Assignment",
    "assign",
    # baselines
    "assign_exact_reference",
    "assign_greedy",
    "exact_assignment",
]
