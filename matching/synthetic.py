"""Synthetic mentoring pools for tests and the matching benchmark (no Django).

``make_pool(n_mentees, n_mentors, capacity="1-5", seed=0)`` builds a
:class:`matching.engine.Pool` that looks like a large HHS-style program:

* 200 skill tags whose popularity is skewed (Zipf, a few tags such as
  "leadership development" are wanted by many, most by few); every person
  lists 3–8 of them;
* goal texts for mentees and bio + job-history texts for mentors, several
  sentences drawn from templates that reuse the tag words, roles and areas, so
  the TF-IDF similarity carries signal without repeating the tag overlap;
* career levels 1–5 (mentors skew senior, a few unknown), a platform
  preference mix (none / senior-to-junior / peer-to-peer);
* about 300 places scattered around 40 US metro centres (a few people with no
  location), 12 HHS operating divisions as organisation units, 20 % of mentors
  in a leadership position;
* hard exclusions: 30 % of mentees have their first-line supervisor among the
  mentors (half of those also the second-line one), a few people enrolled in
  both roles, and a few pairs that already ended in the program.

Everything is vectorised except building the texts (one Python call per
person, never per pair).  ``python -m matching.synthetic --mentees 10000
--mentors 5000 [--capacity 2] [--json]`` runs the benchmark without Django;
``manage.py matching_benchmark`` is the same through Django.
"""

from __future__ import annotations

import os

import numpy as np
import scipy.sparse as sp

from matching.engine import (
    Pool,
    Weights,
    assign,
    assign_exact_reference,
    assign_greedy,
    candidates,
    scorer_for,
)

# (name, lat, lon, relative size) of 40 US metro areas.
METROS: list[tuple[str, float, float, float]] = [
    ("Washington DC", 38.907, -77.037, 9.0),
    ("Baltimore", 39.290, -76.612, 3.0),
    ("Atlanta", 33.749, -84.388, 5.0),
    ("New York", 40.713, -74.006, 8.0),
    ("Philadelphia", 39.953, -75.165, 4.0),
    ("Boston", 42.360, -71.059, 4.0),
    ("Chicago", 41.878, -87.630, 5.0),
    ("Dallas", 32.777, -96.797, 4.0),
    ("Houston", 29.760, -95.370, 4.0),
    ("San Antonio", 29.424, -98.494, 2.0),
    ("Austin", 30.267, -97.743, 2.0),
    ("Denver", 39.739, -104.990, 3.0),
    ("Seattle", 47.606, -122.332, 3.0),
    ("Portland", 45.515, -122.679, 2.0),
    ("San Francisco", 37.775, -122.419, 4.0),
    ("Los Angeles", 34.052, -118.244, 5.0),
    ("San Diego", 32.716, -117.161, 2.0),
    ("Phoenix", 33.448, -112.074, 3.0),
    ("Albuquerque", 35.084, -106.650, 2.0),
    ("Salt Lake City", 40.761, -111.891, 1.5),
    ("Kansas City", 39.100, -94.579, 2.0),
    ("St. Louis", 38.627, -90.199, 2.0),
    ("Minneapolis", 44.978, -93.265, 2.0),
    ("Detroit", 42.331, -83.046, 2.5),
    ("Cleveland", 41.500, -81.694, 1.5),
    ("Columbus", 39.961, -82.999, 1.5),
    ("Cincinnati", 39.103, -84.512, 1.5),
    ("Louisville", 38.253, -85.759, 1.5),
    ("Lexington", 38.040, -84.503, 1.0),
    ("Frankfort", 38.201, -84.873, 0.8),
    ("Nashville", 36.163, -86.781, 1.5),
    ("Charlotte", 35.227, -80.843, 1.5),
    ("Raleigh", 35.780, -78.639, 2.0),
    ("Miami", 25.762, -80.192, 2.5),
    ("Orlando", 28.538, -81.379, 1.5),
    ("Newark", 40.736, -74.172, 2.0),
    ("Trenton", 40.217, -74.743, 1.0),
    ("Oklahoma City", 35.468, -97.516, 1.0),
    ("Anchorage", 61.218, -149.900, 0.5),
    ("Rockville", 39.084, -77.153, 3.0),
]

# HHS operating divisions (the HHS program matches within or across OPDIVs).
OPDIVS: list[str] = [
    "ACF", "ACL", "AHRQ", "ATSDR", "CDC", "CMS",
    "FDA", "HRSA", "IHS", "NIH", "OS", "SAMHSA",
]

_AREAS = [
    "budget", "grant", "policy", "program", "project", "data", "clinical",
    "public health", "workforce", "quality", "risk", "contract", "regulatory",
    "hospice", "palliative care", "community", "stakeholder", "team",
    "change", "performance", "strategic", "financial", "health equity",
    "research", "marketing", "communications", "human resources",
    "procurement", "emergency", "information technology", "evaluation",
    "training", "patient safety", "legislative", "outreach", "supply chain",
    "compliance", "operations", "laboratory", "survey",
]
_ACTIVITIES = [
    "planning", "writing", "analysis", "management", "leadership",
    "development", "reporting", "negotiation", "design", "oversight",
    "coaching", "presentation", "coordination", "modeling", "review",
    "strategy", "engagement", "improvement", "assessment", "facilitation",
]
_EXTRA_TAGS = [
    "public speaking", "mentoring others", "conflict resolution",
    "time management", "networking", "career transition",
    "work-life balance", "executive presence", "decision making",
    "supervision", "writing for publication", "interviewing",
]
_ROLES = [
    "program analyst", "management analyst", "nurse manager", "policy advisor",
    "branch chief", "division director", "epidemiologist", "grants specialist",
    "budget analyst", "contract specialist", "health scientist",
    "public affairs specialist", "IT specialist", "physician", "chaplain",
    "social worker", "HR specialist", "program manager", "team lead",
    "deputy director", "statistician", "regulatory counsel", "pharmacist",
    "research fellow", "training coordinator", "marketing director",
]
_VERBS = [
    "led", "managed", "built", "coordinated", "launched", "redesigned",
    "oversaw", "supported", "streamlined", "championed",
]
# Subject-matter words that give the texts a realistic long tail.
_TOPICS = """
immunization telehealth appropriations medicaid medicare opioid tobacco
nutrition maternal pediatric geriatric dementia hospice bereavement chaplaincy
pain symptom oncology cardiology nephrology pharmacy formulary vaccines
outbreak surveillance epidemiology biostatistics genomics informatics cybersecurity
cloud analytics dashboards interoperability records claims billing reimbursement
actuarial rulemaking guidance enforcement inspections recalls labeling
tribal rural frontier border refugee disability aging caregivers veterans
homelessness housing transportation broadband literacy translation interpreters
workforce recruitment retention onboarding succession classification payroll
benefits telework unions grievances diversity inclusion accessibility ethics
audits investigations whistleblower privacy hipaa consent irb trials protocols
laboratories specimens biosafety preparedness stockpile logistics warehousing
acquisitions solicitations awards cooperative agreements subrecipients monitoring
closeout indirect rates forecasting spreadsheets modeling simulation
storytelling podcasts newsletters webinars conferences journals manuscripts
peer reviewers editors translators curriculum apprenticeships internships
fellowships residencies credentialing licensure accreditation benchmarking
lean sixsigma kaizen scrum agile kanban roadmaps portfolios dashboards
negotiating influencing delegating prioritizing listening empathy resilience
burnout wellbeing mindfulness feedback promotion visibility sponsorship
""".split()

_GOAL_TEMPLATES = [
    "I want to get much better at {t0} and {t1}.",
    "My goal is to become a {role} within {n} years.",
    "I would like guidance on {t0}, especially {a0} work.",
    "I hope to strengthen my {t1} skills and learn how a {role} handles {a1}.",
    "Long term I see myself leading {a0} teams.",
    "I am looking for someone who has moved from {a1} into {a0}.",
    "Right now I struggle with {t2}.",
    "I want more confidence in {t0} before my next review.",
    "Lately my work involves {x0} and {x1}, which is new to me.",
    "I would like to understand {x0} better and get exposure to {x2}.",
]
_HISTORY_TEMPLATES = [
    "{role} with {n} years in {a0}.",
    "I {verb} {t0} for the {unit} {a1} office.",
    "Before that I worked as a {role2} focused on {t1}.",
    "Known for {t0} and {t2}; I {verb} a cross-agency {a0} initiative.",
    "I enjoy coaching people on {t1}.",
    "Earlier career in {a1}, then {a0}.",
    "I {verb} a team of {n} on {t2}.",
    "My portfolio covered {x0}, {x1} and {x2}.",
    "I have spoken at conferences about {x1} and {t0}.",
]


def tag_vocabulary(n_tags: int = 200) -> list[str]:
    """Return ``n_tags`` distinct, deterministic skill tag names."""
    names = list(_EXTRA_TAGS)
    combos = [f"{a} {b}" for b in _ACTIVITIES for a in _AREAS]
    order = np.random.default_rng(12345).permutation(len(combos))
    names += [combos[i] for i in order]
    if n_tags > len(names):
        raise ValueError(f"at most {len(names)} synthetic tags")
    return names[:n_tags]


def _pick_tags(rng: np.random.Generator, n: int, logp: np.ndarray,
               lo: int = 3, hi: int = 8) -> sp.csr_matrix:
    """Each of ``n`` people picks lo..hi distinct tags by popularity.

    Gumbel-top-k: adding Gumbel noise to log-probabilities and keeping the
    largest m keys samples m tags without replacement, vectorised (in row
    blocks, to keep memory small).
    """
    n_tags = logp.size
    hi = min(hi, n_tags)
    lo = min(lo, hi)
    counts = rng.integers(lo, hi + 1, size=n)
    order = np.empty((n, hi), dtype=np.int64)
    for start in range(0, n, 8192):
        stop = min(n, start + 8192)
        keys = logp[None, :] + rng.gumbel(size=(stop - start, n_tags)).astype(np.float32)
        top = np.argpartition(keys, n_tags - hi, axis=1)[:, n_tags - hi:]
        top_keys = np.take_along_axis(keys, top, axis=1)
        order[start:stop] = np.take_along_axis(top, np.argsort(-top_keys, axis=1), axis=1)
    take = np.arange(hi)[None, :] < counts[:, None]
    rows = np.broadcast_to(np.arange(n)[:, None], order.shape)[take]
    cols = order[take]
    data = np.ones(rows.size, dtype=np.float32)
    m = sp.csr_matrix((data, (rows, cols)), shape=(n, n_tags))
    m.sort_indices()
    return m


def _texts(rng: np.random.Generator, tags: sp.csr_matrix, tag_names: list[str],
           templates: list[str], n_sentences: tuple[int, int],
           units: np.ndarray) -> list[str]:
    """Goal or history texts, a few sentences per person, reusing their tags."""
    n = tags.shape[0]
    k = rng.integers(n_sentences[0], n_sentences[1] + 1, size=n)
    tmpl = rng.integers(0, len(templates), size=(n, n_sentences[1]))
    area = rng.integers(0, len(_AREAS), size=(n, 2))
    role = rng.integers(0, len(_ROLES), size=(n, 2))
    verb = rng.integers(0, len(_VERBS), size=n)
    years = rng.integers(2, 25, size=n)
    pick = rng.integers(0, 8, size=(n, 3))
    # Topic words by a skewed popularity, as in real writing.
    topic_p = 1.0 / np.arange(1, len(_TOPICS) + 1) ** 0.8
    topic = rng.choice(len(_TOPICS), size=(n, 3), p=topic_p / topic_p.sum())
    out: list[str] = []
    indptr, indices = tags.indptr, tags.indices
    for p in range(n):
        own = indices[indptr[p]:indptr[p + 1]]
        t = [tag_names[own[pick[p, s] % own.size]] if own.size else "teamwork"
             for s in range(3)]
        fields = {
            "t0": t[0], "t1": t[1], "t2": t[2],
            "a0": _AREAS[area[p, 0]], "a1": _AREAS[area[p, 1]],
            "role": _ROLES[role[p, 0]], "role2": _ROLES[role[p, 1]],
            "verb": _VERBS[verb[p]], "n": int(years[p]),
            "unit": OPDIVS[units[p]] if units[p] >= 0 else "agency",
            "x0": _TOPICS[topic[p, 0]], "x1": _TOPICS[topic[p, 1]], "x2": _TOPICS[topic[p, 2]],
        }
        out.append(" ".join(templates[tmpl[p, s]].format(**fields)
                            for s in range(k[p])))
    return out


def _places(rng: np.random.Generator, n_places: int = 300
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """About 300 places (towns) scattered within ~40 km of the 40 metro centres."""
    size = np.array([m[3] for m in METROS])
    metro = rng.choice(len(METROS), size=n_places, p=size / size.sum())
    lat0 = np.array([m[1] for m in METROS])[metro]
    lon0 = np.array([m[2] for m in METROS])[metro]
    r_km = 40.0 * np.sqrt(rng.random(n_places))
    theta = rng.random(n_places) * 2 * np.pi
    lat = lat0 + (r_km * np.cos(theta)) / 111.0
    lon = lon0 + (r_km * np.sin(theta)) / (111.0 * np.cos(np.radians(lat0)))
    weight = size[metro] * rng.pareto(2.0, n_places).clip(0.05, 20)
    return lat, lon, weight / weight.sum()


def parse_capacity(capacity: str | int) -> tuple[int, int]:
    """``"1-5"`` → (1, 5); ``2`` or ``"2"`` → (2, 2)."""
    if isinstance(capacity, (int, np.integer)):
        lo = hi = int(capacity)
    else:
        text = str(capacity).strip()
        try:
            lo, hi = (int(x) for x in text.split("-", 1)) if "-" in text else (int(text),) * 2
        except ValueError:
            lo, hi = -1, -1
    if lo < 0 or hi < lo:
        raise ValueError(f"capacity {capacity!r}: expected N or LO-HI with 0 <= LO <= HI, e.g. 2 or 1-5")
    return lo, hi


def make_pool(n_mentees: int, n_mentors: int, capacity: str | int = "1-5",
              seed: int = 0, *, n_tags: int = 200,
              matched_share: float = 0.0) -> Pool:
    """Build a realistic synthetic pool (see the module docstring).

    ``capacity`` is the number of free places per mentor: an int (all equal)
    or ``"LO-HI"`` (uniform).  ``matched_share`` marks that share of mentees
    as already matched (0 by default, so the benchmark assigns everyone).
    """
    rng = np.random.default_rng(seed)
    tag_names = tag_vocabulary(n_tags)

    # Zipf-like popularity; mentees' demand is a perturbed copy of supply so
    # the popular needs are not exactly the popular skills.
    ranks = np.arange(1, n_tags + 1, dtype=np.float64)
    supply = 1.0 / ranks
    demand = supply[np.argsort(np.argsort(-(np.log(supply) + rng.normal(0, 0.7, n_tags))))]
    mentor_skills = _pick_tags(rng, n_mentors, np.log(supply / supply.sum()).astype(np.float32))
    mentee_needs = _pick_tags(rng, n_mentees, np.log(demand / demand.sum()).astype(np.float32))

    mentee_level = rng.choice(6, size=n_mentees, p=[0.03, 0.27, 0.30, 0.22, 0.13, 0.05])
    mentor_level = rng.choice(6, size=n_mentors, p=[0.02, 0.05, 0.13, 0.25, 0.30, 0.25])
    mentee_platform = rng.choice(3, size=n_mentees, p=[0.40, 0.42, 0.18])

    # People give a city: everyone sits on one of the ~300 places.
    place_lat, place_lon, place_p = _places(rng)
    mentee_place = rng.choice(place_lat.size, size=n_mentees, p=place_p)
    mentor_place = rng.choice(place_lat.size, size=n_mentors, p=place_p)

    unit_p = rng.dirichlet(np.full(len(OPDIVS), 2.0))
    mentee_unit = rng.choice(len(OPDIVS), size=n_mentees, p=unit_p)
    mentor_unit = rng.choice(len(OPDIVS), size=n_mentors, p=unit_p)
    mentor_leader = rng.random(n_mentors) < 0.20

    # First-line supervisors: a mentor of the same unit, usually co-located.
    forbidden_i: list[np.ndarray] = []
    forbidden_j: list[np.ndarray] = []
    if n_mentors:
        has_sup = np.flatnonzero(rng.random(n_mentees) < 0.30)
        by_unit = np.argsort(mentor_unit, kind="stable")
        starts = np.searchsorted(mentor_unit[by_unit], np.arange(len(OPDIVS) + 1))
        u = mentee_unit[has_sup]
        size_u = starts[u + 1] - starts[u]
        has_sup = has_sup[size_u > 0]
        u, size_u = u[size_u > 0], size_u[size_u > 0]
        sup = by_unit[starts[u] + (rng.random(u.size) * size_u).astype(np.int64)]
        near = rng.random(has_sup.size) < 0.8
        mentee_place[has_sup[near]] = mentor_place[sup[near]]
        mentee_level[has_sup] = np.minimum(mentee_level[has_sup],
                                           np.maximum(mentor_level[sup] - 1, 1))
        forbidden_i.append(has_sup)
        forbidden_j.append(sup)
        # Second-line supervisor for half of them: another mentor, same unit.
        second = rng.random(has_sup.size) < 0.5
        sup2 = by_unit[starts[u] + (rng.random(u.size) * size_u).astype(np.int64)]
        keep = second & (sup2 != sup)
        forbidden_i.append(has_sup[keep])
        forbidden_j.append(sup2[keep])
        # Dual-role people (enrolled as mentee and as mentor) and pairs that
        # already ended in this program.
        for share in (0.02, 0.01):
            k = int(share * min(n_mentees, n_mentors))
            forbidden_i.append(rng.choice(n_mentees, size=k, replace=False))
            forbidden_j.append(rng.choice(n_mentors, size=k, replace=False))

    mentee_lat, mentee_lon = place_lat[mentee_place], place_lon[mentee_place]
    mentor_lat, mentor_lon = place_lat[mentor_place], place_lon[mentor_place]
    # A few people did not give a location.
    mentee_lat[rng.random(n_mentees) < 0.03] = np.nan
    mentor_lat[rng.random(n_mentors) < 0.03] = np.nan
    mentee_lon[np.isnan(mentee_lat)] = np.nan
    mentor_lon[np.isnan(mentor_lat)] = np.nan

    lo, hi = parse_capacity(capacity)
    mentor_capacity = rng.integers(lo, hi + 1, size=n_mentors)
    mentee_matched = rng.random(n_mentees) < matched_share

    mentee_goals = _texts(rng, mentee_needs, tag_names, _GOAL_TEMPLATES, (2, 4), mentee_unit)
    mentor_history = _texts(rng, mentor_skills, tag_names, _HISTORY_TEMPLATES, (3, 5), mentor_unit)

    fi = np.concatenate(forbidden_i) if forbidden_i else np.zeros(0, np.int64)
    fj = np.concatenate(forbidden_j) if forbidden_j else np.zeros(0, np.int64)
    return Pool(
        mentee_needs=mentee_needs, mentor_skills=mentor_skills, tag_names=tag_names,
        mentee_goals=mentee_goals, mentor_history=mentor_history,
        mentee_level=mentee_level, mentor_level=mentor_level,
        mentee_platform=mentee_platform,
        mentee_lat=mentee_lat, mentee_lon=mentee_lon,
        mentor_lat=mentor_lat, mentor_lon=mentor_lon,
        mentee_unit=mentee_unit, mentor_unit=mentor_unit, unit_names=list(OPDIVS),
        mentor_leader=mentor_leader, mentor_capacity=mentor_capacity,
        mentee_matched=mentee_matched, forbidden=(fi, fj),
    )


# Weights of the benchmark: every component on, as for HHS auto-matching.
BENCHMARK_WEIGHTS = Weights(needs=3.0, goals=2.0, platform=1.0, distance=1.0, org_unit=0.5,
                            leadership=0.5, org_unit_preference="same", distance_scale_km=100.0)


def _peak_rss_mb() -> float:
    """Peak resident set size of this process so far (ru_maxrss, Linux KiB)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_benchmark(n_mentees: int, n_mentors: int, capacity: str | int = "1-5", seed: int = 0,
                  *, k_mentee: int = 40, k_mentor: int = 20, weights: Weights | None = None,
                  reference: bool | None = None) -> dict:
    """Build a synthetic pool in memory and time the engine on it.

    ``seconds`` covers everything the engine does for a match run: TF-IDF
    fit, feature preparation, scoring in chunks with the top-k candidates,
    and the optimal assignment (with widening and column generation).
    Building the pool is timed separately (``seconds_pool``); the greedy
    baseline and the exact reference are not in ``seconds``.

    ``peak_mb`` is the process's peak RSS (``getrusage().ru_maxrss``) right
    after the assignment — the interpreter, NumPy/SciPy/OR-Tools, the pool
    and the engine's working memory; the reference runs after it is read.
    ``rss_before_mb`` is the same figure before scoring started.
    """
    import time

    weights = weights or BENCHMARK_WEIGHTS
    t0 = time.perf_counter()
    pool = make_pool(n_mentees, n_mentors, capacity, seed)
    seconds_pool = time.perf_counter() - t0
    rss_before = _peak_rss_mb()

    t0 = time.perf_counter()
    scorer = scorer_for(pool, weights)  # includes the TF-IDF fit
    t_features = time.perf_counter() - t0
    cands = candidates(pool, weights, k_mentee, k_mentor, scorer=scorer)
    t_scoring = time.perf_counter() - t0
    t1 = time.perf_counter()
    result = assign(cands, pool.mentor_capacity, pool.n_mentees)
    t_assign = time.perf_counter() - t1
    seconds = time.perf_counter() - t0
    peak = _peak_rss_mb()

    t1 = time.perf_counter()
    greedy = assign_greedy(cands, pool.mentor_capacity, pool.n_mentees)
    t_greedy = time.perf_counter() - t1

    if reference is None:
        reference = n_mentees <= 2000
    optimal_score = optimal_matched = share = t_ref = None
    if reference:
        t1 = time.perf_counter()
        exact = assign_exact_reference(pool, weights)
        t_ref = time.perf_counter() - t1
        optimal_score, optimal_matched = exact.total_score, exact.matched
        share = result.total_score / optimal_score if optimal_score > 0 else 1.0

    lo, hi = parse_capacity(capacity)
    try:
        load = os.getloadavg()[0]
    except OSError:  # pragma: no cover
        load = None
    r = lambda x, nd=3: None if x is None else round(float(x), nd)  # noqa: E731
    return {
        "mentees": n_mentees,
        "mentors": n_mentors,
        "capacity": f"{lo}-{hi}" if lo != hi else str(lo),
        "seed": seed,
        "places": int(pool.mentor_capacity.sum()),
        "seconds": r(seconds),
        "seconds_features": r(t_features),
        "seconds_scoring_and_candidates": r(t_scoring),
        "seconds_assignment": r(t_assign),
        "seconds_pool": r(seconds_pool),
        "seconds_greedy": r(t_greedy),
        "seconds_reference": r(t_ref),
        "peak_mb": r(peak, 1),
        "rss_before_mb": r(rss_before, 1),
        "memory_measure": "process peak RSS, resource.getrusage(RUSAGE_SELF).ru_maxrss",
        "candidate_edges": len(cands),
        "k_mentee": k_mentee,
        "k_mentor": k_mentor,
        "rounds": result.rounds,
        "pairs_added": result.pairs_added,
        "certified_optimal": result.optimal,
        "matched": result.matched,
        "max_matchable": int(min(n_mentees, pool.mentor_capacity.sum())),
        "score": r(result.total_score, 4),
        "greedy_matched": greedy.matched,
        "greedy_score": r(greedy.total_score, 4),
        "optimal_matched": optimal_matched,
        "optimal_score": r(optimal_score, 4),
        "share_of_optimum": None if share is None else round(share, 6),
        "load_average_1min": r(load, 2),
    }


def format_benchmark(f: dict) -> str:
    """The benchmark's figures as a few readable lines."""
    lines = [
        f"Matching engine, synthetic pool: {f['mentees']:,} mentees × {f['mentors']:,} mentors, "
        f"capacity {f['capacity']} ({f['places']:,} places), seed {f['seed']}",
        f"  scoring + candidates  {f['seconds_scoring_and_candidates']:.3f} s "
        f"(of which TF-IDF and features {f['seconds_features']:.3f} s; {f['candidate_edges']:,} candidate pairs)",
        f"  assignment            {f['seconds_assignment']:.3f} s "
        f"({f['rounds']} solve{'s' if f['rounds'] != 1 else ''}, {f['pairs_added']:,} pairs added "
        f"by widening/pricing, "
        f"certified optimal: {'yes' if f['certified_optimal'] else 'no'})",
        f"  total                 {f['seconds']:.3f} s   (building the pool: {f['seconds_pool']:.3f} s)",
        f"  peak memory           {f['peak_mb']:.0f} MB process peak RSS "
        f"({f['rss_before_mb']:.0f} MB before scoring)",
        f"  matched               {f['matched']:,} of {f['max_matchable']:,} possible, "
        f"total score {f['score']:,.4f}",
        f"  greedy baseline       {f['greedy_matched']:,} matched, total score {f['greedy_score']:,.4f}",
    ]
    if f["optimal_score"] is not None:
        lines.append(f"  exact optimum         {f['optimal_matched']:,} matched, total score "
                     f"{f['optimal_score']:,.4f}; share of optimum {100 * f['share_of_optimum']:.4f} %")
    else:
        lines.append("  exact optimum         not computed above 2,000 mentees")
    if f.get("load_average_1min") is not None:
        lines.append(f"  load average (1 min)  {f['load_average_1min']}")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover - manual benchmark entry point
    import argparse
    import json

    parser = argparse.ArgumentParser(description="matching benchmark without Django")
    parser.add_argument("--mentees", type=int, default=10000)
    parser.add_argument("--mentors", type=int, default=5000)
    parser.add_argument("--capacity", default="1-5")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = run_benchmark(args.mentees, args.mentors, args.capacity, args.seed)
    print(json.dumps(figures) if args.json else format_benchmark(figures))
