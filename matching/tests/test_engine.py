"""The matching engine on its own: no Django, no database.

Run alone with ``python -m pytest matching/tests/test_engine.py -p no:django -q``.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import re

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching import engine
from matching.engine import (
    PLATFORM_ANY,
    PLATFORM_PEER,
    PLATFORM_SENIOR_TO_JUNIOR,
    Pool,
    Weights,
    assign,
    assign_exact_reference,
    assign_greedy,
    candidates,
    component_values,
    exact_assignment,
    explain,
    explain_many,
    scores_dense,
    suggest,
)
from matching.synthetic import format_benchmark, make_pool, parse_capacity, run_benchmark

# The project's conftest.py has autouse fixtures that set Django settings and
# clear Django's cache; these tests touch neither, so the fixtures are
# overridden by name here and the module also runs with ``-p no:django``.


@pytest.fixture(autouse=True)
def _test_settings():
    yield


@pytest.fixture(autouse=True)
def _clear_cache():
    yield


ALL_ON = Weights(needs=3, goals=2, platform=1, distance=1, org_unit=0.5, leadership=0.5,
                 org_unit_preference="same", distance_scale_km=100)


def tiny_pool(n_mentees=3, n_mentors=3, **overrides) -> Pool:
    """A hand-made pool: everyone in Washington, level 2 mentees, level 4 mentors."""
    tags = ["budgeting", "public speaking", "grant writing", "data analysis"]
    fields = dict(
        mentee_needs=sp.csr_matrix(np.ones((n_mentees, len(tags)))),
        mentor_skills=sp.csr_matrix(np.ones((n_mentors, len(tags)))),
        tag_names=tags,
        mentee_goals=["grow in budgeting and grant writing"] * n_mentees,
        mentor_history=["budget officer, grant writing for ten years"] * n_mentors,
        mentee_level=[2] * n_mentees,
        mentor_level=[4] * n_mentors,
        mentee_platform=[PLATFORM_ANY] * n_mentees,
        mentee_lat=[38.9] * n_mentees, mentee_lon=[-77.0] * n_mentees,
        mentor_lat=[38.9] * n_mentors, mentor_lon=[-77.0] * n_mentors,
        mentee_unit=[0] * n_mentees, mentor_unit=[0] * n_mentors,
        mentor_leader=[True] * n_mentors,
        mentor_capacity=[1] * n_mentors,
        mentee_matched=[False] * n_mentees,
        forbidden=None,
        unit_names=["CDC", "FDA"],
    )
    fields.update(overrides)
    return Pool(**fields)


def random_pool(seed: int, n: int, m: int, *, cap_hi: int = 3, matched_share: float = 0.1,
                forbid_share: float = 0.1) -> Pool:
    """A small synthetic pool with full mentors, matched mentees and extra exclusions."""
    rng = np.random.default_rng(seed)
    pool = make_pool(n, m, capacity=f"0-{cap_hi}", seed=seed, matched_share=matched_share)
    fi, fj = pool.forbidden
    k = int(forbid_share * n * m)
    fi = np.concatenate([fi, rng.integers(0, n, k)])
    fj = np.concatenate([fj, rng.integers(0, m, k)])
    return dataclasses.replace(pool, forbidden=(fi, fj))


def random_weights(rng: np.random.Generator) -> Weights:
    w = rng.random(6) * (rng.random(6) < 0.8)
    if w.sum() == 0:
        w[0] = 1.0
    return Weights(*w.tolist(), org_unit_preference=str(rng.choice(["same", "different", "any"])),
                   distance_scale_km=float(rng.choice([20.0, 100.0, 500.0])),
                   min_score=float(rng.choice([0.0, 0.0, 0.2])),
                   platform_strict=bool(rng.random() < 0.3))


def brute_force(scores: np.ndarray, capacity) -> tuple[int, float]:
    """(most mentees matched, best total score among those) by enumeration."""
    n, m = scores.shape
    best = (0, 0.0)
    options = [[-1] + [j for j in range(m) if np.isfinite(scores[i, j])] for i in range(n)]
    for choice in itertools.product(*options):
        used = np.bincount([j for j in choice if j >= 0], minlength=m)
        if (used > np.asarray(capacity)).any():
            continue
        picked = [(i, j) for i, j in enumerate(choice) if j >= 0]
        value = (len(picked), sum(scores[i, j] for i, j in picked))
        if value[0] > best[0] or (value[0] == best[0] and value[1] > best[1] + 1e-12):
            best = value
    return best


def check_valid(pool: Pool, weights: Weights, result) -> None:
    """No mentor over capacity, no mentee twice, only eligible pairs."""
    assert np.unique(result.mentee).size == result.mentee.size
    used = np.bincount(result.mentor, minlength=pool.n_mentors)
    assert (used <= pool.mentor_capacity).all()
    assert not pool.mentee_matched[result.mentee].any()
    assert (pool.mentor_capacity[result.mentor] > 0).all()
    fi, fj = pool.forbidden
    forbidden = set(zip(fi.tolist(), fj.tolist()))
    assert not forbidden & set(zip(result.mentee.tolist(), result.mentor.tolist()))
    dense = scores_dense(pool, weights)
    assert np.isfinite(dense[result.mentee, result.mentor]).all()
    assert (result.score >= weights.min_score - 1e-6).all()


# --------------------------------------------------------------------------
# Scores and components
# --------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(4))
def test_block_scores_equal_the_component_formula(seed):
    rng = np.random.default_rng(seed)
    pool = random_pool(seed, 40, 25)
    weights = random_weights(rng)
    dense = scores_dense(pool, weights)
    i, j = np.nonzero(np.isfinite(dense))
    vals = component_values(pool, weights, i, j)
    np.testing.assert_allclose(dense[i, j], vals["score"], atol=2e-6)
    assert np.nanmin(dense) >= 0 and np.nanmax(dense) <= 1


@pytest.mark.parametrize("path", ["sparse_text", "direct_distance", "small_blocks"])
def test_alternative_code_paths_give_the_same_scores(monkeypatch, path):
    pool = random_pool(7, 60, 30)
    expected = scores_dense(pool, ALL_ON)
    expected_cands = candidates(pool, ALL_ON, 5, 5)
    if path == "sparse_text":
        monkeypatch.setattr(engine.scoring, "_DENSE_TEXT_MAX_TERMS", 0)
    elif path == "direct_distance":
        monkeypatch.setattr(engine.scoring, "_LOCATION_TABLE_MAX_CELLS", 0)
    else:
        monkeypatch.setattr(engine.scoring, "_BLOCK_CELLS", 64)
    pool = random_pool(7, 60, 30)  # fresh pool: no cached scorer
    # The direct distance pass is float32 (coordinates good to ~0.4 m).
    atol = 2e-5 if path == "direct_distance" else 2e-6
    np.testing.assert_allclose(scores_dense(pool, ALL_ON), expected, atol=atol)
    cands = candidates(pool, ALL_ON, 5, 5)
    assert len(cands) == len(expected_cands)
    np.testing.assert_allclose(cands.score, expected_cands.score, atol=atol)


@given(seed=st.integers(0, 10_000))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_explanation_contributions_add_up_to_the_score(seed):
    rng = np.random.default_rng(seed)
    pool = random_pool(seed, 12, 8)
    weights = random_weights(rng)
    dense = scores_dense(pool, weights)
    i = rng.integers(0, 12, 10)
    j = rng.integers(0, 8, 10)
    for why, a, b in zip(explain_many(pool, weights, i, j), i, j):
        assert math.isclose(sum(c.contribution for c in why.components), why.score, abs_tol=1e-9)
        assert 0.0 <= why.score <= 1.0 + 1e-12
        for c in why.components:
            assert 0.0 <= c.value <= 1.0
            assert math.isclose(c.contribution, c.weight * c.value / weights.total, abs_tol=1e-12)
            assert c.reason
        assert why.eligible == bool(np.isfinite(dense[a, b]))
        if why.eligible:
            assert why.score == pytest.approx(dense[a, b], abs=2e-6)
        else:
            assert why.excluded_because


def test_explain_gives_concrete_reasons():
    needs = sp.csr_matrix(np.array([[1, 1, 1, 1]]))
    skills = sp.csr_matrix(np.array([[1, 1, 1, 0]]))
    pool = tiny_pool(1, 1, mentee_needs=needs, mentor_skills=skills,
                     mentee_platform=[PLATFORM_SENIOR_TO_JUNIOR],
                     mentor_lat=[39.0], mentor_lon=[-77.0],
                     level_names={2: "Early career", 4: "Senior"})
    why = explain(pool, ALL_ON, 0, 0)
    reasons = {c.name: c.reason for c in why.components}
    assert reasons["needs"] == "Offers 3 of the 4 skills you want to develop: budgeting, public speaking and grant writing"
    assert reasons["platform"] == "Senior-to-junior, as you asked: they are senior, you are early career"
    assert reasons["distance"] == "About 11 km apart"
    assert reasons["org_unit"] == "You both work at CDC"
    assert reasons["leadership"] == "They hold a leadership position"
    assert reasons["goals"] == "Your goals and their career history both mention “grant” and “writing”"
    assert why.eligible and why.reasons()[0] == reasons["needs"]
    assert {c.name: c.value for c in why.components}["needs"] == pytest.approx(0.75)


def test_a_coordinator_reads_the_reasons_about_the_mentee():
    needs = sp.csr_matrix(np.array([[1, 1, 1, 0]]))
    pool = tiny_pool(1, 1, mentee_needs=needs, mentee_platform=[PLATFORM_PEER], mentee_level=[3],
                     mentor_level=[3], mentor_unit=[1], level_names={3: "Mid-career"})
    reasons = {c.name: c.reason for c in explain(pool, ALL_ON, 0, 0, audience=engine.COORDINATOR).components}
    assert reasons["needs"] == "Offers all 3 of the mentee's development needs: budgeting, public speaking and grant writing"
    assert reasons["platform"] == "Peer-to-peer, as the mentee asked: both are mid-career"
    assert reasons["org_unit"] == "The mentor works at FDA, the mentee at CDC"
    assert reasons["leadership"] == "The mentor holds a leadership position"
    assert reasons["distance"] == "Less than 1 km apart"
    with pytest.raises(ValueError):
        explain(pool, ALL_ON, 0, 0, audience="someone")


@pytest.mark.parametrize("seed", range(3))
def test_reasons_are_sentences_without_scores_or_field_names(seed):
    """Every reason of a synthetic pool, in both voices: a capitalised sentence,
    no raw score like (0.04), no internal word like "program" or "level 3"."""
    pool = dataclasses.replace(random_pool(seed, 20, 12), level_names=dict(enumerate(
        ["", "Entry level", "Early career", "Mid-career", "Senior", "Executive"])))
    i, j = np.repeat(np.arange(20), 12), np.tile(np.arange(12), 20)
    for audience in (engine.MENTEE, engine.COORDINATOR):
        for why in explain_many(pool, ALL_ON, i, j, audience=audience):
            for c in why.components:
                assert c.reason[0].isupper(), c.reason
                assert not re.search(r"\d\.\d|\blevel \d|“program”|\bscore\b|_", c.reason), c.reason


def test_explain_matches_explain_many():
    pool = random_pool(3, 30, 20)
    i, j = np.arange(10), np.arange(10)
    assert explain_many(pool, ALL_ON, i, j) == [explain(pool, ALL_ON, a, b) for a, b in zip(i, j)]


def test_tfidf_matches_scikit_learn():
    from sklearn.feature_extraction.text import TfidfVectorizer

    pool = make_pool(300, 150, seed=5)
    docs = pool.mentee_goals + pool.mentor_history + ["", "Ünïcode wörds, UPPER case; a-b x y"]
    ours, _ = engine.tfidf(docs)
    theirs = TfidfVectorizer(stop_words=list(engine.STOP_WORDS), sublinear_tf=True).fit_transform(docs)
    np.testing.assert_allclose((ours @ ours.T).toarray(), (theirs @ theirs.T).toarray(), atol=1e-5)


# --------------------------------------------------------------------------
# Components behave as described
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("preference", "mentee_level", "mentor_level", "value"),
    [
        (PLATFORM_SENIOR_TO_JUNIOR, 2, 4, 1.0),
        (PLATFORM_SENIOR_TO_JUNIOR, 3, 3, 0.0),
        (PLATFORM_SENIOR_TO_JUNIOR, 4, 2, 0.0),
        (PLATFORM_SENIOR_TO_JUNIOR, 0, 4, 0.0),
        (PLATFORM_PEER, 3, 3, 1.0),
        (PLATFORM_PEER, 3, 4, 0.0),
        (PLATFORM_PEER, 0, 0, 0.0),
        (PLATFORM_ANY, 5, 1, 1.0),
    ],
)
def test_platform_component(preference, mentee_level, mentor_level, value):
    pool = tiny_pool(1, 1, mentee_platform=[preference], mentee_level=[mentee_level],
                     mentor_level=[mentor_level])
    assert component_values(pool, ALL_ON, [0], [0])["platform"][0] == value
    assert scores_dense(pool, ALL_ON)[0, 0] == pytest.approx(component_values(pool, ALL_ON, [0], [0])["score"][0],
                                                             abs=2e-6)
    strict = dataclasses.replace(ALL_ON, platform_strict=True)
    assert np.isfinite(scores_dense(pool, strict)[0, 0]) == (value == 1.0)
    assert explain(pool, strict, 0, 0).eligible == (value == 1.0)


def test_distance_component_decays_with_distance_and_is_zero_when_unknown():
    # Washington, Baltimore (~55 km), New York (~330 km), unknown.
    pool = tiny_pool(1, 4, mentor_lat=[38.9, 39.29, 40.71, np.nan], mentor_lon=[-77.0, -76.61, -74.01, np.nan],
                     mentor_capacity=[1, 1, 1, 1])
    vals = component_values(pool, ALL_ON, [0, 0, 0, 0], [0, 1, 2, 3])
    d = vals["distance_km"]
    assert d[0] == 0 and 50 < d[1] < 60 and 320 < d[2] < 340 and np.isnan(d[3])
    np.testing.assert_allclose(vals["distance"][:3], np.exp(-d[:3] / 100.0))
    assert vals["distance"][3] == 0.0
    assert vals["distance"][0] > vals["distance"][1] > vals["distance"][2] > 0
    # Chord vs great circle (haversine) below 0.1 % at these distances.
    lat1, lon1, lat2, lon2 = map(np.radians, (38.9, -77.0, 40.71, -74.01))
    h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    assert d[2] == pytest.approx(2 * engine.EARTH_RADIUS_KM * np.arcsin(np.sqrt(h)), rel=1e-3)
    dense = scores_dense(pool, ALL_ON)[0]
    assert dense[0] > dense[1] > dense[2] > dense[3]
    assert explain(pool, ALL_ON, 0, 1).components[3].reason == "About 55 km apart"
    assert explain(pool, ALL_ON, 0, 3).components[3].reason == (
        "How far apart you are is not known: a location is missing from a profile")


@pytest.mark.parametrize(("preference", "same", "different"), [("same", 1.0, 0.0), ("different", 0.0, 1.0)])
def test_org_unit_preference(preference, same, different):
    pool = tiny_pool(1, 3, mentor_unit=[0, 1, -1])
    weights = dataclasses.replace(ALL_ON, org_unit_preference=preference)
    vals = component_values(pool, weights, [0, 0, 0], [0, 1, 2])
    assert vals["org_unit"].tolist() == [same, different, 0.0]
    np.testing.assert_allclose(scores_dense(pool, weights)[0], vals["score"], atol=2e-6)
    names = [c.name for c in explain(pool, dataclasses.replace(ALL_ON, org_unit_preference="any"), 0, 0).components]
    assert "org_unit" not in names


def test_needs_component_is_the_share_of_needs_offered():
    needs = sp.csr_matrix(np.array([[1, 1, 0, 0], [0, 0, 0, 0]]))
    skills = sp.csr_matrix(np.array([[1, 0, 0, 1], [1, 1, 1, 1]]))
    pool = tiny_pool(2, 2, mentee_needs=needs, mentor_skills=skills)
    vals = component_values(pool, ALL_ON, [0, 0, 1], [0, 1, 1])
    assert vals["needs"].tolist() == [0.5, 1.0, 0.0]
    assert explain(pool, ALL_ON, 1, 1).components[0].reason == "You listed nothing you want to develop"
    assert explain(pool, ALL_ON, 0, 0).components[0].reason == (
        "Offers 1 of the 2 skills you want to develop: budgeting")


def test_weights_are_validated():
    with pytest.raises(ValueError):
        Weights(needs=-1)
    with pytest.raises(ValueError):
        Weights(needs=0, goals=0, platform=0, distance=0, org_unit=1, leadership=0, org_unit_preference="any")
    with pytest.raises(ValueError):
        Weights(org_unit_preference="nearby")


# --------------------------------------------------------------------------
# Hard constraints remove the pair
# --------------------------------------------------------------------------


def test_each_hard_constraint_removes_the_pair():
    def pairs(pool, weights=ALL_ON):
        cands = candidates(pool, weights, 5, 5)
        return set(zip(cands.mentee.tolist(), cands.mentor.tolist()))

    assert (0, 0) in pairs(tiny_pool())

    full = tiny_pool(mentor_capacity=[0, 1, 1])
    assert not any(j == 0 for _, j in pairs(full))
    assert all(s.mentor != 0 for s in suggest(full, ALL_ON, 0))
    assert "mentor has no free place" in explain(full, ALL_ON, 0, 0).excluded_because

    matched = tiny_pool(mentee_matched=[True, False, False])
    assert not any(i == 0 for i, _ in pairs(matched))
    assert not explain(matched, ALL_ON, 0, 0).eligible

    supervisor = tiny_pool(forbidden=(np.array([0]), np.array([0])))
    assert (0, 0) not in pairs(supervisor) and (0, 1) in pairs(supervisor)
    assert not np.isfinite(scores_dense(supervisor, ALL_ON)[0, 0])
    assert all(s.mentor != 0 for s in suggest(supervisor, ALL_ON, 0))
    assert not explain(supervisor, ALL_ON, 0, 0).eligible

    as_matrix = tiny_pool(forbidden=sp.csr_matrix(([True], ([0], [0])), shape=(3, 3)))
    assert (0, 0) not in pairs(as_matrix)

    # Below the program's minimum score: mentor 0 is no leader, so it scores
    # 0.5/8 less than the others.
    unfit = tiny_pool(mentor_leader=[False, True, True])
    leader_score = component_values(unfit, ALL_ON, [0], [1])["score"][0]
    strict = dataclasses.replace(ALL_ON, min_score=float(leader_score) - 0.03)
    assert (0, 0) not in pairs(unfit, strict) and (0, 1) in pairs(unfit, strict)
    assert (0, 0) in pairs(unfit)
    assert "below the program's minimum" in explain(unfit, strict, 0, 0).excluded_because[0]


@given(seed=st.integers(0, 100_000), n=st.integers(1, 25), m=st.integers(1, 12),
       cap_hi=st.integers(0, 3))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_assignment_never_breaks_a_constraint(seed, n, m, cap_hi):
    rng = np.random.default_rng(seed)
    pool = random_pool(seed, n, m, cap_hi=cap_hi, matched_share=0.2, forbid_share=0.15)
    weights = random_weights(rng)
    cands = candidates(pool, weights, k_mentee=int(rng.integers(1, 4)), k_mentor=int(rng.integers(0, 3)))
    assert ((cands.score >= 0) & (cands.score <= 1)).all()
    for result in (assign(cands, pool.mentor_capacity, pool.n_mentees),
                   assign_greedy(cands, pool.mentor_capacity, pool.n_mentees)):
        check_valid(pool, weights, result)


# --------------------------------------------------------------------------
# Optimal assignment
# --------------------------------------------------------------------------


@given(seed=st.integers(0, 100_000), n=st.integers(1, 6), m=st.integers(1, 3))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_assign_equals_brute_force_on_tiny_pools(seed, n, m):
    rng = np.random.default_rng(seed)
    pool = random_pool(seed, n, m, cap_hi=2, matched_share=0.1, forbid_share=0.2)
    weights = random_weights(rng)
    dense = scores_dense(pool, weights)
    matched, total = brute_force(dense, pool.mentor_capacity)
    full_graph = candidates(pool, weights, k_mentee=m, k_mentor=n)
    for result in (assign(full_graph, pool.mentor_capacity, n, widen=False, optimise=False),
                   assign(candidates(pool, weights, 1, 0), pool.mentor_capacity, n)):
        assert result.matched == matched
        assert result.total_score == pytest.approx(total, abs=1e-6)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("capacity", ["0-3", "1"])
def test_assign_equals_linear_sum_assignment(seed, capacity):
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(20, 60)), int(rng.integers(8, 30))
    pool = make_pool(n, m, capacity=capacity, seed=seed, matched_share=0.1)
    weights = random_weights(rng)
    reference = assign_exact_reference(pool, weights)
    check_valid(pool, weights, reference)
    # k covering the whole pool: the flow alone is the optimum.
    whole = candidates(pool, weights, k_mentee=m, k_mentor=n)
    plain = assign(whole, pool.mentor_capacity, n, widen=False, optimise=False)
    assert plain.matched == reference.matched
    assert plain.total_score == pytest.approx(reference.total_score, abs=1e-6)
    # Small k: widening and column generation recover the same optimum.
    for k in (1, 3):
        result = assign(candidates(pool, weights, k, k), pool.mentor_capacity, n)
        assert result.matched == reference.matched
        assert result.total_score == pytest.approx(reference.total_score, abs=1e-5)
        assert result.optimal
        check_valid(pool, weights, result)


def test_exact_assignment_prefers_more_mentees_over_a_higher_score():
    # Mentee 1 can only take mentor 0. Matching mentee 0 with mentor 0 alone
    # scores 0.9; matching both (0 with 1, 1 with 0) scores 0.85 but matches
    # two mentees, and that comes first.
    scores = np.array([[0.9, 0.05], [0.8, np.nan]])
    result = exact_assignment(scores, [1, 1])
    assert result.matched == 2
    assert sorted(zip(result.mentee.tolist(), result.mentor.tolist())) == [(0, 1), (1, 0)]


def test_assign_prefers_more_mentees_over_a_higher_score():
    pool = tiny_pool(2, 2, mentor_leader=[True, False], mentor_lat=[38.9, 45.0],
                     forbidden=(np.array([1]), np.array([1])))
    dense = scores_dense(pool, ALL_ON)
    assert dense[0, 0] > dense[0, 1]  # mentee 0 would rather have mentor 0
    result = assign(candidates(pool, ALL_ON), pool.mentor_capacity, 2)
    assert result.matched == 2
    assert result.mentor_of().tolist() == [1, 0]


def test_widening_matches_everyone_when_capacity_allows():
    # Twenty identical mentees all rank the same mentor first; every mentor
    # has one place, so only widening past the top-1 graph can match all.
    n = 20
    pool = tiny_pool(n, n, mentor_leader=[True] + [False] * (n - 1),
                     mentor_lat=[38.9] + [40.7] * (n - 1), mentor_lon=[-77.0] + [-74.0] * (n - 1))
    narrow = candidates(pool, ALL_ON, k_mentee=1, k_mentor=0)
    assert np.unique(narrow.mentor).size == 1
    assert assign(narrow, pool.mentor_capacity, n, widen=False, optimise=False).matched == 1
    widened = assign(narrow, pool.mentor_capacity, n, optimise=False)
    assert widened.matched == n
    assert assign(narrow, pool.mentor_capacity, n).matched == n
    check_valid(pool, ALL_ON, widened)


def test_widening_follows_augmenting_paths_through_full_mentors():
    # Mentee 1 may only have mentor 0 (its pair with mentor 1 is forbidden);
    # the top-1 graph gives mentor 0 to mentee 0, who is then moved to
    # mentor 1 — a path no "unmatched × free mentor" edge alone finds.
    pool = tiny_pool(2, 2, mentor_leader=[True, False], forbidden=(np.array([1]), np.array([1])))
    narrow = candidates(pool, ALL_ON, k_mentee=1, k_mentor=0)
    result = assign(narrow, pool.mentor_capacity, 2, optimise=False)
    assert result.matched == 2
    assert result.mentor_of().tolist() == [1, 0]


def test_full_capacity_leaves_mentees_unmatched_without_widening_forever():
    pool = tiny_pool(5, 2, mentor_capacity=[1, 1])
    result = assign(candidates(pool, ALL_ON, 1, 1), pool.mentor_capacity, 5)
    assert result.matched == 2 and result.optimal


def test_greedy_is_feasible_and_not_better_than_the_optimum():
    pool = make_pool(300, 120, capacity="2", seed=3)
    cands = candidates(pool, ALL_ON)
    best = assign(cands, pool.mentor_capacity, pool.n_mentees)
    greedy = assign_greedy(cands, pool.mentor_capacity, pool.n_mentees)
    check_valid(pool, ALL_ON, greedy)
    assert (greedy.matched, greedy.total_score) <= (best.matched, best.total_score + 1e-9)


# --------------------------------------------------------------------------
# Candidates and suggestions
# --------------------------------------------------------------------------


def test_candidates_keep_the_top_k_of_every_mentee_and_mentor():
    pool = random_pool(11, 80, 40, matched_share=0.1)
    dense = scores_dense(pool, ALL_ON)
    k_mentee, k_mentor = 4, 3
    cands = candidates(pool, ALL_ON, k_mentee, k_mentor)
    got = set(zip(cands.mentee.tolist(), cands.mentor.tolist()))
    filled = np.where(np.isfinite(dense), dense, -1)
    for i in range(pool.n_mentees):
        ok = np.flatnonzero(np.isfinite(dense[i]))
        if ok.size:
            kth = np.sort(filled[i, ok])[::-1][min(k_mentee, ok.size) - 1]
            mine = {j for (a, j) in got if a == i}
            assert len(mine & set(ok[filled[i, ok] > kth + 1e-6].tolist())) == (filled[i, ok] > kth + 1e-6).sum()
            assert len(mine) >= min(k_mentee, ok.size)
    for j in range(pool.n_mentors):
        eligible = int(np.isfinite(dense[:, j]).sum())
        assert sum(1 for (_, b) in got if b == j) >= min(k_mentor, eligible)
    assert all(np.isfinite(dense[a, b]) for a, b in got)
    np.testing.assert_allclose(cands.score, dense[cands.mentee, cands.mentor], atol=2e-6)


def test_suggest_lists_best_mentors_with_free_places():
    pool = random_pool(5, 30, 20, matched_share=0.0)
    dense = scores_dense(pool, ALL_ON)
    i = int(np.argmax(np.isfinite(dense).sum(axis=1)))
    got = suggest(pool, ALL_ON, i, limit=5)
    ok = np.flatnonzero(np.isfinite(dense[i]))
    expected = ok[np.lexsort((ok, -dense[i, ok]))][:5]
    assert [s.mentor for s in got] == expected.tolist()
    assert all(pool.mentor_capacity[s.mentor] > 0 and s.explanation.eligible for s in got)
    assert [s.score for s in got] == sorted((s.score for s in got), reverse=True)


def test_empty_pools():
    pool = make_pool(0, 5, seed=1)
    assert len(candidates(pool, ALL_ON)) == 0
    assert assign(candidates(pool, ALL_ON), pool.mentor_capacity, 0).matched == 0
    pool = make_pool(5, 0, seed=1)
    assert assign(candidates(pool, ALL_ON), pool.mentor_capacity, 5).matched == 0
    assert suggest(pool, ALL_ON, 0) == []


def test_benchmark_figures():
    figures = run_benchmark(300, 150, "1-5", seed=2)
    for key in ("seconds", "peak_mb", "matched", "score", "greedy_score", "optimal_score", "share_of_optimum"):
        assert figures[key] is not None
    assert figures["matched"] == figures["optimal_matched"] == 300
    assert figures["share_of_optimum"] == pytest.approx(1.0, abs=1e-6)
    assert figures["greedy_score"] <= figures["score"] + 1e-9
    assert "share of optimum 100.0000 %" in format_benchmark(figures)


def test_strict_platform_leaves_some_unmatchable_and_assign_still_finds_the_optimum():
    # Peer-to-peer mentees need a mentor of their own level; with strict
    # platforms some find none although places stay free elsewhere.
    pool = make_pool(300, 200, capacity="1-5", seed=9)
    weights = dataclasses.replace(ALL_ON, platform_strict=True)
    reference = assign_exact_reference(pool, weights)
    assert reference.matched < min(pool.n_mentees, pool.mentor_capacity.sum())
    result = assign(candidates(pool, weights, 3, 2), pool.mentor_capacity, pool.n_mentees)
    assert result.matched == reference.matched
    assert result.total_score == pytest.approx(reference.total_score, abs=1e-5)
    assert result.optimal
    check_valid(pool, weights, result)


@pytest.mark.parametrize(("text", "expected"), [("1-5", (1, 5)), ("2", (2, 2)), (3, (3, 3)), (" 0-2 ", (0, 2))])
def test_parse_capacity(text, expected):
    assert parse_capacity(text) == expected


@pytest.mark.parametrize("text", ["x-2", "5-1", "-1", ""])
def test_parse_capacity_refuses_nonsense(text):
    with pytest.raises(ValueError, match="expected N or LO-HI"):
        parse_capacity(text)
