"""The mentoring agreement's pages: draft, sign, withdraw a signature, print."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from programs.errors import RuleViolation

from .. import selectors, services
from ..forms.agreements import AgreementForm, SignForm

# Refusals about the agreement's state rather than what was typed: the form they
# came from may no longer be on the page, so they go to the top as a message.
AGREEMENT_STATE_CODES = {"locked", "read_only", "ended", "signed", "forbidden", "no_agreement", "not_signed"}


def _agreement_page(request, mentorship, *, form=None, sign_form=None, status=200):
    agreement = selectors.agreement_of(mentorship)
    role = mentorship.role_of(request.user)
    editable = selectors.agreement_is_editable(mentorship=mentorship, agreement=agreement)
    if form is None and editable:
        form = AgreementForm(agreement=agreement) if agreement else AgreementForm(
            initial=selectors.agreement_defaults(mentorship=mentorship)
        )
    return render(
        request,
        "mentorship/agreements/agreement.html",
        {
            "mentorship": mentorship,
            "program": mentorship.program,
            "agreement": agreement,
            "role": role,
            "editable": editable,
            "form": form,
            "sign_form": sign_form or SignForm(),
            "i_signed": bool(agreement and agreement.signed_at_of(role)),
            "expected_name": selectors.expected_signature(request.user),
            "preamble": selectors.agreements.PREAMBLE,
        },
        status=status,
    )


@login_required
def agreement_detail(request, pk):
    mentorship = selectors.mentorship_get_for_user(user=request.user, pk=pk, participants_only=True)
    return _agreement_page(request, mentorship)


@login_required
@require_POST
def agreement_edit(request, pk):
    mentorship = selectors.mentorship_get_for_user(user=request.user, pk=pk, participants_only=True)
    form = AgreementForm(request.POST)
    if form.is_valid():
        try:
            services.agreement_save(mentorship=mentorship, by=request.user, terms=form.cleaned_data)
        except RuleViolation as error:
            if error.code in AGREEMENT_STATE_CODES:
                messages.error(request, error.message)
                return redirect("agreements:detail", pk=mentorship.pk)
            form.add_error(None, error.message)
        else:
            messages.success(request, "The agreement is saved. When you both agree with the terms, sign it.")
            return redirect("agreements:detail", pk=mentorship.pk)
    return _agreement_page(request, mentorship, form=form)


@login_required
@require_POST
def agreement_sign(request, pk):
    mentorship = selectors.mentorship_get_for_user(user=request.user, pk=pk, participants_only=True)
    form = SignForm(request.POST)
    if form.is_valid():
        try:
            agreement = services.agreement_sign(
                mentorship=mentorship,
                by=request.user,
                typed_name=form.cleaned_data["typed_name"],
                confirmed=form.cleaned_data["confirm"],
            )
        except RuleViolation as error:
            if error.code in AGREEMENT_STATE_CODES:
                messages.error(request, error.message)
                return redirect("agreements:detail", pk=mentorship.pk)
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                "Signed by both of you: the agreement is now read-only."
                if agreement.is_signed_by_both
                else f"Signed. {mentorship.partner_of(request.user).display_name} has been asked to sign too.",
            )
            return redirect("agreements:detail", pk=mentorship.pk)
    return _agreement_page(request, mentorship, sign_form=form)


@login_required
@require_POST
def agreement_withdraw(request, pk):
    mentorship = selectors.mentorship_get_for_user(user=request.user, pk=pk, participants_only=True)
    try:
        services.agreement_signature_withdraw(mentorship=mentorship, by=request.user)
    except RuleViolation as error:
        messages.error(request, error.message)
    else:
        messages.info(request, "Your signature is withdrawn; the terms can be edited again.")
    return redirect("agreements:detail", pk=mentorship.pk)


@login_required
def agreement_print(request, pk):
    agreement = selectors.agreement_get_for_partner(user=request.user, pk=pk)
    mentorship = agreement.mentorship
    return render(
        request,
        "mentorship/agreements/agreement_print.html",
        {"mentorship": mentorship, "program": mentorship.program, "agreement": agreement, "preamble": selectors.agreements.PREAMBLE},
    )
