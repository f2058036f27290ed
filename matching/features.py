"""Turn a program's people into the engine's arrays, with a fixed number of queries."""

from __future__ import annotations

import dataclasses
import threading
import time
import uuid

import numpy as np
import scipy.sparse as sp
from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone

from mentorship.models import CareerLevel, JobHistoryEntry, Mentorship, MentorshipState, Profile, Skill
from mentorship.selectors.capacity import free_places_by_mentor
from mentorship.selectors.pairing import ended_pairs, supervisors_of
from mentorship.web.pages import Fingerprint, Source, audited
from programs.models import Cohort, Enrollment, EnrollmentState, Platform, Program, Role

from . import engine
from .models import MatchingWeights

PLATFORM_CODES = {Platform.SENIOR_TO_JUNIOR: engine.PLATFORM_SENIOR_TO_JUNIOR, Platform.PEER_TO_PEER: engine.PLATFORM_PEER}


@dataclasses.dataclass
class ProgramPool:
    """The engine's Pool plus the user ids behind its rows."""

    pool: engine.Pool
    weights: engine.Weights
    mentee_ids: list[int]
    mentor_ids: list[int]
    # Held while the engine fills the pool's lazy caches (TF-IDF, scorer), for
    # servers that run threads; a cached pool is shared by a process's requests.
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock, repr=False, compare=False)

    def mentee_index(self, user_id: int) -> int | None:
        try:
            return self.mentee_ids.index(user_id)
        except ValueError:
            return None


def weights_for(program: Program) -> engine.Weights:
    stored = MatchingWeights.objects.filter(program=program).first() or MatchingWeights(program=program)
    return engine.Weights(
        needs=stored.needs,
        goals=stored.goals,
        platform=stored.platform if program.platforms else 0.0,
        distance=stored.distance,
        org_unit=stored.org_unit,
        leadership=stored.leadership,
        org_unit_preference=program.org_unit_preference,
        distance_scale_km=stored.distance_scale_km,
        min_score=stored.min_score,
        # HHS: a mentee on a platform is paired only on that platform.
        platform_strict=bool(program.platforms),
    )


def _enrolled(program: Program, cohort: Cohort | None, role: str):
    qs = Enrollment.objects.filter(cohort__program=program, role=role, state=EnrollmentState.APPROVED)
    if cohort is not None:
        return qs.filter(cohort=cohort)
    today = timezone.localdate()
    return qs.filter(Cohort.running_q(today, via="cohort__"))


def build_pool(*, program: Program, cohort: Cohort | None = None, mentee_ids: list[int] | None = None) -> ProgramPool:
    """Approved mentees and mentors of a cohort (or of the running cohorts).

    `mentee_ids` narrows the mentee rows (suggestions for one person); the
    mentor rows are always the whole pool, so capacities and text statistics
    are the program's.
    """
    mentee_rows = _enrolled(program, cohort, Role.MENTEE)
    if mentee_ids is not None:
        mentee_rows = mentee_rows.filter(user_id__in=mentee_ids)
    mentees = {}
    for user_id, platform, needs, challenges, areas, motivation in mentee_rows.order_by("user_id").values_list(
        "user_id", "platform_preference", "needs", "challenges", "areas_for_improvement", "motivation"
    ):
        mentees.setdefault(user_id, (platform, " ".join(filter(None, (needs, challenges, areas, motivation)))))
    mentors = {}
    for user_id, strengths, needs in _enrolled(program, cohort, Role.MENTOR).order_by("user_id").values_list(
        "user_id", "strengths", "needs"
    ):
        mentors.setdefault(user_id, " ".join(filter(None, (strengths, needs))))
    mentee_ids_list, mentor_ids_list = list(mentees), list(mentors)
    people = set(mentee_ids_list) | set(mentor_ids_list)
    # Subqueries rather than lists of thousands of ids: the database filters.
    mentee_q = mentee_rows.values("user_id")
    mentor_q = _enrolled(program, cohort, Role.MENTOR).values("user_id")

    profiles = {
        row[0]: row
        for row in Profile.objects.filter(Q(user_id__in=mentee_q) | Q(user_id__in=mentor_q)).values_list(
            "user_id", "career_level", "latitude", "longitude", "org_unit", "leadership_position",
            "professional_goals", "bio", "headline", "supervisor_id",
        )
    }
    skill_ids = list(Skill.objects.order_by("pk").values_list("pk", flat=True))
    column = {pk: n for n, pk in enumerate(skill_ids)}
    tag_names = list(Skill.objects.order_by("pk").values_list("name", flat=True))

    def tag_matrix(through_field: str, ids: list[int], subquery) -> sp.csr_matrix:
        through = getattr(Profile, through_field).through
        row_of = {uid: n for n, uid in enumerate(ids)}
        rows, cols = [], []
        for uid, skill in through.objects.filter(profile__user_id__in=subquery).values_list(
            "profile__user_id", "skill_id"
        ):
            if uid not in row_of:
                continue
            rows.append(row_of[uid])
            cols.append(column[skill])
        data = np.ones(len(rows), dtype=np.float32)
        return sp.csr_matrix((data, (rows, cols)), shape=(len(ids), len(skill_ids)))

    history = {uid: [] for uid in mentor_ids_list}
    for uid, title, org, desc in JobHistoryEntry.objects.filter(profile__user_id__in=mentor_q).values_list(
        "profile__user_id", "title", "organisation", "description"
    ):
        history[uid].append(" ".join(filter(None, (title, org, desc))))

    units = sorted({(profiles.get(uid) or (None,) * 10)[4] or "" for uid in people} - {""})
    unit_code = {name.lower(): n for n, name in enumerate(units)}

    def prof(uid):
        return profiles.get(uid) or (uid, None, None, None, "", False, "", "", "", None)

    active = Mentorship.objects.filter(program=program, state=MentorshipState.ACTIVE)
    mentor_free = free_places_by_mentor(program=program, mentors=mentor_q)
    mentee_load = dict(
        active.filter(mentee_id__in=mentee_q).values("mentee_id").annotate(n=Count("pk")).values_list("mentee_id", "n")
    )

    # Hard constraints: the same person on both sides, the supervisor chain
    # (KY), and pairs that already ended in this program.
    mentor_row = {uid: n for n, uid in enumerate(mentor_ids_list)}
    forbidden_i, forbidden_j = [], []
    for i, uid in enumerate(mentee_ids_list):
        if uid in mentor_row:
            forbidden_i.append(i)
            forbidden_j.append(mentor_row[uid])
    if program.excludes_supervisor_chain:
        chains = supervisors_of(first_lines={uid: prof(uid)[9] for uid in mentee_ids_list})
        for i, uid in enumerate(mentee_ids_list):
            for boss in chains[uid]:
                if boss in mentor_row:
                    forbidden_i.append(i)
                    forbidden_j.append(mentor_row[boss])
    mentee_row = {uid: n for n, uid in enumerate(mentee_ids_list)}
    for mentor_id, mentee_id in ended_pairs(program=program, mentors=mentor_q, mentees=mentee_q):
        if mentee_id not in mentee_row or mentor_id not in mentor_row:
            continue
        forbidden_i.append(mentee_row[mentee_id])
        forbidden_j.append(mentor_row[mentor_id])

    nan = float("nan")
    pool = engine.Pool(
        mentee_needs=tag_matrix("development_needs", mentee_ids_list, mentee_q),
        mentor_skills=tag_matrix("skills_offered", mentor_ids_list, mentor_q),
        tag_names=tag_names,
        mentee_goals=[" ".join(filter(None, (prof(u)[6], mentees[u][1]))) for u in mentee_ids_list],
        mentor_history=[
            " ".join(filter(None, (prof(u)[8], prof(u)[7], mentors[u], *history[u]))) for u in mentor_ids_list
        ],
        mentee_level=[prof(u)[1] or 0 for u in mentee_ids_list],
        mentor_level=[prof(u)[1] or 0 for u in mentor_ids_list],
        mentee_platform=[PLATFORM_CODES.get(mentees[u][0], engine.PLATFORM_ANY) for u in mentee_ids_list],
        mentee_lat=[prof(u)[2] if prof(u)[2] is not None else nan for u in mentee_ids_list],
        mentee_lon=[prof(u)[3] if prof(u)[3] is not None else nan for u in mentee_ids_list],
        mentor_lat=[prof(u)[2] if prof(u)[2] is not None else nan for u in mentor_ids_list],
        mentor_lon=[prof(u)[3] if prof(u)[3] is not None else nan for u in mentor_ids_list],
        mentee_unit=[unit_code.get((prof(u)[4] or "").lower(), -1) for u in mentee_ids_list],
        mentor_unit=[unit_code.get((prof(u)[4] or "").lower(), -1) for u in mentor_ids_list],
        mentor_leader=[bool(prof(u)[5]) for u in mentor_ids_list],
        mentor_capacity=[mentor_free.get(u, 0) for u in mentor_ids_list],
        mentee_matched=[mentee_load.get(u, 0) >= program.max_mentors_per_mentee for u in mentee_ids_list],
        forbidden=(np.array(forbidden_i, dtype=np.int64), np.array(forbidden_j, dtype=np.int64)),
        unit_names=units,
        level_names={level.value: level.label for level in CareerLevel},
    )
    return ProgramPool(pool=pool, weights=weights_for(program), mentee_ids=mentee_ids_list, mentor_ids=mentor_ids_list)


# ---------------------------------------------------------------------------
# The running pool of a program, cached per process
# ---------------------------------------------------------------------------

# Rebuilt at least this often even when the fingerprint below did not change
# (it misses a renamed skill, a job-history entry saved without its profile,
# and changes written with QuerySet.update()).
POOL_MAX_AGE_SECONDS = 300
# A token in the shared cache: deleting it (pools_invalidate) makes every
# process rebuild; tests clear the cache between tests, so no pool outlives one.
POOL_GENERATION_KEY = "matching:pool-generation"
_pools: dict[int, tuple[tuple, float, ProgramPool]] = {}
_pools_lock = threading.Lock()


def pools_invalidate() -> None:
    """Every process rebuilds its running pools on their next use."""
    cache.delete(POOL_GENERATION_KEY)


def _generation() -> str:
    try:
        token = cache.get(POOL_GENERATION_KEY)
        if token is None:
            cache.add(POOL_GENERATION_KEY, uuid.uuid4().hex, timeout=None)
            token = cache.get(POOL_GENERATION_KEY)
    except Exception:  # the shared cache is down: the fingerprint and the pool's age still hold
        return ""
    return token or ""


# What the running pools are built from: each saved change writes an audit row
# or a new id, found by one step down an index (mentorship.web.pages).
POOL = Fingerprint(
    audited("programs.Program", "a program's rules"),
    audited("programs.Cohort", "cohorts opened or closed"),
    audited("programs.Enrollment", "an approval, a withdrawal"),
    Source("programs.Enrollment", "MAX(id)", "enrolments inserted in bulk (no audit row)"),
    audited("mentorship.Mentorship", "a pair formed or ended: capacities"),
    Source("mentorship.Mentorship", "MAX(id)", "pairs inserted in bulk"),
    audited("matching.MatchingWeights", "the program's weights"),
    Source("mentorship.Profile", "MAX(updated_at)", "a profile saved"),
    Source("mentorship.Skill", "MAX(id)", "a new skill"),
)


def pool_fingerprint() -> tuple:
    """What the running pools are built from (`POOL`), read in one query of index
    look-ups (no scan, whatever the number of people). It is global, not per
    program: a change anywhere rebuilds each pool once, which is cheap next to
    scoring against a stale one."""
    return POOL.read()


def running_pool(program: Program) -> ProgramPool:
    """The pool of the program's running cohorts (all its approved mentees and
    mentors), built once per process and reused while its fingerprint is
    unchanged: "Suggested for you" scores one row of it per request instead of
    loading and featurising the whole program (about 40 ms and 20 queries for
    1,000 mentors and 2,000 mentees)."""
    key = (_generation(), pool_fingerprint())
    now = time.monotonic()
    with _pools_lock:
        hit = _pools.get(program.pk)
        if hit is not None and hit[0] == key and now - hit[1] < POOL_MAX_AGE_SECONDS:
            return hit[2]
    built = build_pool(program=program)
    with _pools_lock:
        _pools[program.pk] = (key, now, built)
    return built


def components_json(explanation: engine.Explanation) -> list[dict]:
    return [
        {
            "name": c.name,
            "value": round(c.value, 4),
            "weight": c.weight,
            "contribution": c.contribution,
            "reason": c.reason,
        }
        for c in explanation.components
    ]
