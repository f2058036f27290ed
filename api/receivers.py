"""Where the API hears of the events its webhooks post, without the core importing it.

- pair formed and pair ended: Django's post_save of Mentorship (the pairing and
  ending services save the row; a new row is a pair formed, a save of `state`
  away from active is a pair ended);
- enrolment decided: programs' `enrollment_decided` signal;
- survey answered: surveys' `survey_answered` signal.

A receiver only registers an on-commit callback: the event is recorded (and its
payload read) once the change has committed, never for a change rolled back,
and a save in a test or a benchmark without webhooks costs no query.
"""

from functools import partial

from django.db import transaction
from django.db.models.signals import post_save

from .webhooks import webhook_event_record


def connect() -> None:
    from mentorship.models import Mentorship
    from programs.signals import enrollment_decided
    from surveys.signals import survey_answered

    post_save.connect(mentorship_saved, sender=Mentorship, dispatch_uid="api.mentorship_saved")
    enrollment_decided.connect(enrollment_decided_received, dispatch_uid="api.enrollment_decided")
    survey_answered.connect(survey_answered_received, dispatch_uid="api.survey_answered")


def _person(user_id: int, program_id: int) -> dict:
    from mentorship.models import User

    from .models import ExternalPerson

    user = User.objects.filter(pk=user_id).values("pk", "email").first() or {"pk": user_id, "email": ""}
    link = ExternalPerson.objects.filter(program_id=program_id, user_id=user_id).values_list("external_id", flat=True).first()
    return {"id": user["pk"], "external_id": link, "email": user["email"]}


def _mentorship_event(mentorship_id: int, event: str) -> None:
    from mentorship.models import Mentorship

    m = Mentorship.objects.select_related("program", "cohort").filter(pk=mentorship_id).first()
    if m is None:
        return
    suffix = "" if event == "mentorship.formed" else f":{m.ended_on}"
    webhook_event_record(
        program_id=m.program_id,
        event=event,
        key=f"{event}:{m.pk}{suffix}",
        payload={
            "mentorship": {
                "id": m.pk,
                "program": m.program.slug,
                "cohort": {"id": m.cohort_id, "name": m.cohort.name},
                "state": m.state,
                "origin": m.origin,
                "started_on": m.started_on,
                "planned_end_on": m.planned_end_on,
                "ended_on": m.ended_on,
            },
            "mentor": _person(m.mentor_id, m.program_id),
            "mentee": _person(m.mentee_id, m.program_id),
        },
    )


def mentorship_saved(sender, instance, created, update_fields=None, raw=False, **kwargs):
    if raw:
        return
    if created:
        transaction.on_commit(partial(_mentorship_event, instance.pk, "mentorship.formed"))
    elif instance.state != "active" and (update_fields is None or "state" in update_fields):
        transaction.on_commit(partial(_mentorship_event, instance.pk, "mentorship.ended"))


def _enrollment_event(enrollment_id: int) -> None:
    from programs.models import Enrollment

    e = Enrollment.objects.select_related("cohort__program").filter(pk=enrollment_id).first()
    if e is None or e.decided_at is None:
        return
    program = e.cohort.program
    webhook_event_record(
        program_id=program.pk,
        event="enrolment.decided",
        key=f"enrolment.decided:{e.pk}:{e.state}:{e.decided_at.timestamp():.6f}",
        payload={
            "enrolment": {
                "id": e.pk,
                "program": program.slug,
                "cohort": {"id": e.cohort_id, "name": e.cohort.name},
                "role": e.role,
                "state": e.state,
                "decided_at": e.decided_at,
            },
            "person": _person(e.user_id, program.pk),
        },
    )


def enrollment_decided_received(sender, enrollment, moved_up=False, **kwargs):
    transaction.on_commit(partial(_enrollment_event, enrollment.pk))


def _survey_event(invitation_id: int) -> None:
    from surveys.models import SurveyInvitation

    invitation = SurveyInvitation.objects.select_related("survey__program").filter(pk=invitation_id).first()
    if invitation is None or invitation.completed_at is None:
        return
    survey = invitation.survey
    answered = SurveyInvitation.objects.filter(survey=survey, completed_at__isnull=False).count()
    payload = {
        "survey": {"id": survey.pk, "title": survey.title, "kind": survey.kind, "anonymous": survey.anonymous_in_reporting},
        "answered": answered,
    }
    if not survey.anonymous_in_reporting:
        # Who answered, never what: the answers are read as aggregates.
        payload["respondent"] = _person(invitation.recipient_id, survey.program_id)
        payload["role"] = invitation.role
        payload["mentorship_id"] = invitation.mentorship_id
    # An anonymous survey's event is keyed by the count, not the invitation,
    # so nothing in it (not even its id) ties it to one person's invitation.
    key = f"survey.answered:{invitation.pk}" if not survey.anonymous_in_reporting else f"survey.answered:{survey.pk}:n{answered}"
    webhook_event_record(program_id=survey.program_id, event="survey.answered", key=key, payload=payload)


def survey_answered_received(sender, invitation, **kwargs):
    transaction.on_commit(partial(_survey_event, invitation.pk))
