"""The mentoring agreement: WTAP's Mentoring Agreement Form, for any program.

The form's terms: how long the relationship lasts and when it is evaluated,
how often the pair meets, the minimum and maximum length of a meeting, how they
contact each other between meetings, the mentor's and the mentee's roles,
feedback, and no-fault termination; then both signatures with dates. HHS asks
for "mentoring agreements that outline the terms of the relationship" too, and
both programs (`requires_agreement`) show it as a due step until both signed.

Signing freezes the terms. A signature is a promise to *these* words, so an
edit after a signature would leave one partner's name under text they never
read: once anyone has signed, editing is refused. While the partner has not
signed yet, the signer may withdraw their signature to reopen the terms; once
both have signed the agreement is read-only for good. The pair and nobody else
reads the terms; coordinators see only whether and when each partner signed.
"""

import datetime
import unicodedata

from django.db import transaction
from django.utils import timezone

from programs.errors import RuleViolation
from programs.formats import date_text

from ..models import Agreement, Mentorship, User
from ..selectors.agreements import TERM_FIELDS, agreement_is_editable, expected_signature
from .access import partner_check
from .notifications import notify

ONLY_THE_PAIR = "Only the mentor and the mentee sign and edit their agreement."
MENTORSHIP_ENDED = "This mentorship has ended; its agreement can no longer change."
LOCKED_SIGNED = (
    "{who} signed these terms on {date}, so they can no longer be edited. "
    "{hint}"
)
LOCKED_HINT_SELF = "Withdraw your signature first if the terms need to change."
LOCKED_HINT_PARTNER = "Ask {name} to withdraw their signature if the terms need to change."
READ_ONLY = "Both of you signed this agreement; it is read-only."
NO_AGREEMENT = "There are no terms to sign yet: write the agreement first."
ALREADY_SIGNED = "You already signed this agreement on {date}."
NAME_MISMATCH = "Type your full name as it appears on your profile ({name}) to sign."
MUST_CONFIRM = "Tick the box to confirm you agree to these terms."
LENGTHS = "Meeting lengths run from 1 to 1,440 minutes, and the maximum must be at least the minimum."
NOT_SIGNED = "You have not signed this agreement."
TERM_REQUIRED = "Fill in every term of the agreement: {field} is empty."


def _check_pair(mentorship: Mentorship, by: User) -> str:
    return partner_check(mentorship=mentorship, by=by, refusal=ONLY_THE_PAIR, ended=MENTORSHIP_ENDED)


def _date(moment: datetime.datetime) -> str:
    return date_text(moment)


def _check_editable(agreement: Agreement, by: User) -> None:
    if agreement_is_editable(mentorship=agreement.mentorship, agreement=agreement):
        return
    if agreement.is_signed_by_both:
        raise RuleViolation(READ_ONLY, code="read_only")
    mentorship = agreement.mentorship
    for role, signed_at in (("mentor", agreement.mentor_signed_at), ("mentee", agreement.mentee_signed_at)):
        if signed_at is None:
            continue
        signer = mentorship.mentor if role == "mentor" else mentorship.mentee
        mine = signer.pk == by.pk
        raise RuleViolation(
            LOCKED_SIGNED.format(
                who="You" if mine else signer.display_name,
                date=_date(signed_at),
                hint=LOCKED_HINT_SELF if mine else LOCKED_HINT_PARTNER.format(name=signer.display_name),
            ),
            code="locked",
        )


@transaction.atomic
def agreement_save(*, mentorship: Mentorship, by: User, terms: dict) -> Agreement:
    """Either partner writes or edits the terms, until someone signs."""
    _check_pair(mentorship, by)
    mentorship = Mentorship.objects.select_for_update().select_related("mentor", "mentee").get(pk=mentorship.pk)
    agreement = Agreement.objects.filter(mentorship=mentorship).first()
    if agreement is None:
        agreement = Agreement(mentorship=mentorship)
    else:
        agreement.mentorship = mentorship
        _check_editable(agreement, by)
    for name in TERM_FIELDS:
        value = terms[name]
        if isinstance(value, str):
            value = value.strip()
            if not value:
                label = Agreement._meta.get_field(name).verbose_name
                raise RuleViolation(TERM_REQUIRED.format(field=label), code="empty")
        setattr(agreement, name, value)
    if not 1 <= agreement.min_meeting_minutes <= agreement.max_meeting_minutes <= 24 * 60:
        raise RuleViolation(LENGTHS, code="lengths")
    agreement.updated_by = by
    agreement.full_clean()
    agreement.save()
    return agreement


def _normalised(name: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def _locked(mentorship: Mentorship, by: User) -> tuple[Agreement, str]:
    """The pair's agreement and `by`'s role in it, read under the mentorship's lock
    (the order agreement_save takes), with the pair's state as it is now."""
    mentorship = (
        Mentorship.objects.select_for_update(of=("self",))
        .select_related("program", "mentor", "mentee")
        .get(pk=mentorship.pk)
    )
    role = _check_pair(mentorship, by)
    agreement = Agreement.objects.select_for_update().filter(mentorship=mentorship).first()
    if agreement is None:
        raise RuleViolation(NO_AGREEMENT, code="no_agreement")
    agreement.mentorship = mentorship
    return agreement, role


@transaction.atomic
def agreement_sign(
    *,
    mentorship: Mentorship,
    by: User,
    typed_name: str,
    confirmed: bool = True,
    now: datetime.datetime | None = None,
) -> Agreement:
    """Sign with one's typed full name, having ticked that one agrees; the time is recorded with it."""
    now = now or timezone.now()
    agreement, role = _locked(mentorship, by)
    mentorship = agreement.mentorship
    if not confirmed:
        raise RuleViolation(MUST_CONFIRM, code="confirm")
    signed_at = agreement.signed_at_of(role)
    if signed_at is not None:
        raise RuleViolation(ALREADY_SIGNED.format(date=_date(signed_at)), code="signed")
    expected = expected_signature(by)
    if _normalised(typed_name) != _normalised(expected):
        raise RuleViolation(NAME_MISMATCH.format(name=expected), code="name")
    setattr(agreement, f"{role}_signed_name", " ".join(typed_name.split()))
    setattr(agreement, f"{role}_signed_at", now)
    agreement.save(update_fields=[f"{role}_signed_name", f"{role}_signed_at", "updated_at"])
    partner = mentorship.partner_of(by)
    if agreement.is_signed_by_both:
        for person in (mentorship.mentor, mentorship.mentee):
            notify(
                user=person,
                subject="Your mentoring agreement is signed",
                body=f"You and {mentorship.partner_of(person).display_name} have both signed your mentoring agreement "
                f"in {mentorship.program.short_name}.",
                url=agreement.get_absolute_url(),
                essential=False,
            )
    else:
        notify(
            user=partner,
            subject=f"{by.display_name} signed your mentoring agreement",
            body=f"{by.display_name} signed the mentoring agreement. Read it and sign it too.",
            url=agreement.get_absolute_url(),
        )
    return agreement


@transaction.atomic
def agreement_signature_withdraw(*, mentorship: Mentorship, by: User) -> Agreement:
    """Take back one's signature while the partner has not signed, to change the terms."""
    agreement, role = _locked(mentorship, by)
    if agreement.is_signed_by_both:
        raise RuleViolation(READ_ONLY, code="read_only")
    if agreement.signed_at_of(role) is None:
        raise RuleViolation(NOT_SIGNED, code="not_signed")
    setattr(agreement, f"{role}_signed_name", "")
    setattr(agreement, f"{role}_signed_at", None)
    agreement.save(update_fields=[f"{role}_signed_name", f"{role}_signed_at", "updated_at"])
    return agreement
