"""Match runs and shortlists. Pairs are created only through mentorship's services."""

from __future__ import annotations

import time

import numpy as np
from django.db import transaction
from django.utils import timezone

from mentorship import services as mentorship_services
from mentorship.models import MentorshipOrigin, User
from mentorship.selectors.capacity import free_places
from programs.errors import RuleViolation
from programs.models import Cohort, MatchingMethod, Program

from . import engine
from .features import build_pool, components_json, running_pool
from .models import MatchProposal, MatchRun, MatchRunState, ProposalState, Shortlist, ShortlistEntry, UnmatchedMentee

AUTO_NOT_ALLOWED = "{program} does not use auto-matching; pairs form by {methods}."
THIRD_PARTY_NOT_ALLOWED = "{program} does not use third-party matching."
RUN_NOT_OPEN = "This match run is {state}; start a new run to make new proposals."
PROPOSAL_NOT_OPEN = "This proposal is already {state}."
NO_ELIGIBLE_MENTOR = "no eligible mentor with a free place"
ONLY_LOW_SCORES = "only low scores (best {best:.0%}, the program's minimum is {minimum:.0%})"
TAKEN_BY_BETTER = "every eligible mentor's places went to better-scoring pairs"
SHORTLIST_EMPTY = "Choose at least one mentor for the shortlist."


@transaction.atomic
def match_run_create(*, program: Program, cohort: Cohort, by: User | None) -> MatchRun:
    """Score the cohort, find the capacity-aware optimum, store it as proposals.

    Mentees who already have their mentor are not in the pool, so running it
    again proposes only for those still unpaired.
    """
    if MatchingMethod.AUTO not in program.matching_methods and MatchingMethod.THIRD_PARTY not in program.matching_methods:
        raise RuleViolation(
            AUTO_NOT_ALLOWED.format(program=program.short_name, methods=", ".join(program.get_matching_methods_display()))
        )
    started = time.perf_counter()
    built = build_pool(program=program, cohort=cohort)
    pool, weights = built.pool, built.weights
    run = MatchRun.objects.create(program=program, cohort=cohort, created_by=by)
    if pool.n_mentees and pool.n_mentors:
        cands = engine.candidates(pool, weights)
        assignment = engine.assign(cands, pool.mentor_capacity, pool.n_mentees)
    else:
        assignment = engine.Assignment(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), pool.n_mentees)
    # The proposals are read by the coordinator: their reasons speak of "the mentee".
    explanations = engine.explain_many(
        pool, weights, assignment.mentee, assignment.mentor, audience=engine.COORDINATOR
    )
    MatchProposal.objects.bulk_create(
        [
            MatchProposal(
                run=run,
                mentee_id=built.mentee_ids[why.mentee],
                mentor_id=built.mentor_ids[why.mentor],
                score=min(max(why.score, 0.0), 1.0),
                components=components_json(why),
            )
            for why in explanations
        ],
        batch_size=2000,
    )
    matched = np.zeros(pool.n_mentees, dtype=bool)
    matched[assignment.mentee] = True
    waiting = np.flatnonzero(~matched & ~pool.mentee_matched)
    best = _best_scores(pool, weights, waiting)
    unmatched = []
    for i, score in zip(waiting.tolist(), best.tolist()):
        if score < 0:
            reason = NO_ELIGIBLE_MENTOR
        elif score < weights.min_score:
            reason = ONLY_LOW_SCORES.format(best=score, minimum=weights.min_score)
        else:
            reason = TAKEN_BY_BETTER
        unmatched.append(UnmatchedMentee(run=run, mentee_id=built.mentee_ids[i], reason=reason))
    UnmatchedMentee.objects.bulk_create(unmatched, batch_size=2000)
    run.mentees_considered = int((~pool.mentee_matched).sum()) if pool.n_mentees else 0
    run.mentors_considered = int((pool.mentor_capacity > 0).sum()) if pool.n_mentors else 0
    run.total_score = assignment.total_score
    run.seconds = time.perf_counter() - started
    run.save(update_fields=["mentees_considered", "mentors_considered", "total_score", "seconds"])
    return run


def _best_scores(pool: engine.Pool, weights: engine.Weights, rows: np.ndarray) -> np.ndarray:
    """Each mentee's best score over eligible mentors with a free place, ignoring
    the minimum score; -1 where no mentor is eligible. Vectorised in chunks."""
    best = np.full(rows.size, -1.0, dtype=np.float32)
    if rows.size == 0:
        return best
    scorer = engine.scorer_for(pool, engine.Weights(**{**weights.__dict__, "min_score": 0.0}))
    cols = scorer.active_cols
    if cols.size == 0:
        return best
    step = max(1, scorer.chunk_rows(cols.size))
    for start in range(0, rows.size, step):
        block = scorer.block(rows[start : start + step], cols)
        best[start : start + step] = block.max(axis=1)
    return best


def _open_proposal(proposal: MatchProposal) -> MatchProposal:
    proposal = MatchProposal.objects.select_for_update(of=("self",)).select_related("run__program", "run__cohort").get(pk=proposal.pk)
    if proposal.run.state != MatchRunState.PROPOSED:
        raise RuleViolation(RUN_NOT_OPEN.format(state=proposal.run.get_state_display().lower()))
    if proposal.state != ProposalState.PROPOSED:
        raise RuleViolation(PROPOSAL_NOT_OPEN.format(state=proposal.get_state_display().lower()))
    return proposal


@transaction.atomic
def proposal_reject(*, proposal: MatchProposal, by: User) -> MatchProposal:
    proposal = _open_proposal(proposal)
    proposal.state = ProposalState.REJECTED
    proposal.decided_by, proposal.decided_at = by, timezone.now()
    proposal.save(update_fields=["state", "decided_by", "decided_at"])
    return proposal


@transaction.atomic
def proposal_swap(*, proposal: MatchProposal, mentor: User, by: User) -> MatchProposal:
    """Give the mentee another mentor; the new pair is checked and re-scored."""
    proposal = _open_proposal(proposal)
    program, cohort = proposal.run.program, proposal.run.cohort
    taken = (
        MatchProposal.objects.filter(run=proposal.run, mentor=mentor, state=ProposalState.PROPOSED)
        .exclude(pk=proposal.pk)
        .count()
    )
    mentorship_services.pair_check(program=program, mentor=mentor, mentee=proposal.mentee, cohort=cohort)
    free = free_places(program=program, mentor=mentor)
    if taken >= free:
        raise RuleViolation(
            mentorship_services.MENTOR_AT_CAPACITY.format(
                mentor=mentor, count=program.max_mentees_per_mentor, people="people", program=program.short_name
            )
            + " (counting this run's other proposals)"
        )
    built = build_pool(program=program, cohort=cohort)
    i = built.mentee_ids.index(proposal.mentee_id)
    j = built.mentor_ids.index(mentor.pk)
    why = engine.explain(built.pool, built.weights, i, j, audience=engine.COORDINATOR)
    proposal.mentor = mentor
    proposal.score = min(max(why.score, 0.0), 1.0)
    proposal.components = components_json(why)
    proposal.save(update_fields=["mentor", "score", "components"])
    return proposal


def match_run_confirm(*, run: MatchRun, proposals, by: User) -> dict:
    """Confirm chosen proposals: each becomes a mentorship through the same
    service as an accepted invitation, in its own transaction, so one refusal
    (a mentor who filled up meanwhile) does not undo the others."""
    confirmed, failed = 0, 0
    for proposal in proposals:
        try:
            with transaction.atomic():
                proposal = _open_proposal(proposal)
                mentorship = mentorship_services.mentorship_create(
                    program=run.program,
                    cohort=run.cohort,
                    mentor=proposal.mentor,
                    mentee=proposal.mentee,
                    by=by,
                    origin=MentorshipOrigin.AUTO_MATCH,
                )
                proposal.state = ProposalState.CONFIRMED
                proposal.mentorship = mentorship
                proposal.decided_by, proposal.decided_at = by, timezone.now()
                proposal.save(update_fields=["state", "mentorship", "decided_by", "decided_at"])
                confirmed += 1
        except RuleViolation as error:
            # Saved, not .update()d: a failed confirmation is a match decision,
            # and only a save leaves its audit row (who, when, why).
            with transaction.atomic():
                still_open = (
                    MatchProposal.objects.select_for_update()
                    .filter(pk=proposal.pk, state=ProposalState.PROPOSED)
                    .first()
                )
                if still_open is not None:
                    still_open.state = ProposalState.FAILED
                    still_open.message = error.message
                    still_open.decided_by, still_open.decided_at = by, timezone.now()
                    still_open.save(update_fields=["state", "message", "decided_by", "decided_at"])
            failed += 1
    if not MatchProposal.objects.filter(run=run, state=ProposalState.PROPOSED).exists():
        with transaction.atomic():
            run = MatchRun.objects.select_for_update().get(pk=run.pk)
            if run.state != MatchRunState.CONFIRMED:
                run.state = MatchRunState.CONFIRMED
                run.save(update_fields=["state"])
    return {"confirmed": confirmed, "failed": failed}


@transaction.atomic
def match_run_discard(*, run: MatchRun, by: User) -> MatchRun:
    run.state = MatchRunState.DISCARDED
    run.save(update_fields=["state"])
    return run


def ranked_mentors(
    *, program: Program, mentee: User, limit: int = 20, audience: str = engine.MENTEE
) -> list[dict]:
    """Eligible mentors with free places for one mentee, best first, with reasons
    in the words of `audience` (the mentee, or a coordinator choosing for them).

    Scored against the program's running pool (cached per process while
    nothing in it changes), so the text statistics are the whole pool's, as in
    a match run, and a request scores one row."""
    built = running_pool(program)
    i = built.mentee_index(mentee.pk)
    if i is None or built.pool.n_mentors == 0:
        return []
    with built.lock:
        suggestions = engine.suggest(built.pool, built.weights, i, limit=limit, audience=audience)
    users = User.objects.select_related("profile").in_bulk([built.mentor_ids[s.mentor] for s in suggestions])
    return [
        {
            "mentor": users[built.mentor_ids[s.mentor]],
            "score": s.score,
            "score_percent": round(s.score * 100),
            "reasons": s.explanation.reasons()[:3],
            "components": components_json(s.explanation),
        }
        for s in suggestions
        if built.mentor_ids[s.mentor] in users
    ]


@transaction.atomic
def shortlist_create(*, program: Program, mentee: User, mentors: list[User], note: str, by: User) -> Shortlist:
    """Third-party matching (HHS): the coordinator sends the mentee a list of potential mentors."""
    if MatchingMethod.THIRD_PARTY not in program.matching_methods:
        raise RuleViolation(THIRD_PARTY_NOT_ALLOWED.format(program=program.short_name))
    if not mentors:
        raise RuleViolation(SHORTLIST_EMPTY)
    ranked = {row["mentor"].pk: row for row in ranked_mentors(program=program, mentee=mentee, limit=500)}
    for mentor in mentors:
        mentorship_services.pair_check(program=program, mentor=mentor, mentee=mentee)
    shortlist = Shortlist.objects.create(program=program, mentee=mentee, note=note.strip(), created_by=by)
    ShortlistEntry.objects.bulk_create(
        [
            ShortlistEntry(
                shortlist=shortlist,
                mentor=mentor,
                rank=rank,
                score=ranked.get(mentor.pk, {}).get("score", 0.0),
                reasons=ranked.get(mentor.pk, {}).get("reasons", []),
            )
            for rank, mentor in enumerate(mentors, start=1)
        ]
    )
    from django.urls import reverse

    mentorship_services.notify(
        user=mentee,
        subject=f"Your {program.coordinator_title} suggests {len(mentors)} potential mentor{'s' if len(mentors) != 1 else ''}",
        body=(
            f"Your {program.coordinator_title} looked for mentors for you in {program.name}: "
            + ", ".join(m.display_name for m in mentors)
            + ". Speak with them, then invite the one that fits."
            + (f"\n\n{shortlist.note}" if shortlist.note else "")
        ),
        url=reverse("directory:list", kwargs={"slug": program.slug}),
    )
    return shortlist
