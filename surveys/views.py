from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from programs.errors import RuleViolation

from . import selectors, services
from .forms import ACTION_SUBMIT, SurveyResponseForm

SAVED = "Your answers are saved. Come back with the same link to finish."
THANKS = "Thank you — your answers are in."


def _private(response):
    # The link is the credential: keep it out of other sites' Referer headers,
    # caches and indexes. Not "no-referrer": browsers then send `Origin: null`
    # with the form and Django's CSRF check refuses it.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def respond(request, token):
    try:
        invitation = selectors.invitation_get_by_token(token=token, user=request.user)
    except PermissionDenied:
        return _private(render(request, "surveys/not_yours.html", {"message": selectors.NOT_YOURS}, status=403))
    survey = invitation.survey
    context = {"invitation": invitation, "survey": survey, "program": survey.program}
    if invitation.is_completed:
        return _private(render(request, "surveys/answered.html", context))
    questions = list(survey.questions.all())
    if request.method == "POST":
        submitting = request.POST.get("action") == ACTION_SUBMIT
        form = SurveyResponseForm(request.POST, questions=questions, submitting=submitting)
        if form.is_valid():
            save = services.survey_response_submit if submitting else services.survey_response_save_draft
            try:
                save(invitation=invitation, answers=form.answers())
            except services.SurveyAnswerError as error:
                form.add_answer_errors(error.errors)
            except RuleViolation as error:
                messages.info(request, error.message)
                return redirect(invitation.get_absolute_url())
            else:
                messages.success(request, THANKS if submitting else SAVED)
                return redirect(invitation.get_absolute_url())
        status = 400
    else:
        initial = SurveyResponseForm.initial_from(selectors.answers_for_invitation(invitation=invitation), questions)
        form = SurveyResponseForm(initial=initial, questions=questions)
        status = 200
    context["form"] = form
    return _private(render(request, "surveys/respond.html", context, status=status))


@login_required
def my_surveys(request):
    invitations = list(selectors.invitations_for_user(user=request.user))
    return render(
        request,
        "surveys/my_surveys.html",
        {
            "open": [i for i in invitations if not i.is_completed and i.survey.active],
            "answered": [i for i in invitations if i.is_completed],
        },
    )
