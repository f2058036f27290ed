"""What writes the security audit when it happens elsewhere: Django's and
allauth's account signals, and changes of role or coordinator scope.

Model signals have no request; `security_event_record` takes the acting
person and their address from the request being served in this thread.
"""

from allauth.account import signals as account_signals
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from programs.models import ProgramCoordinator

from .middleware import activity_mark
from .models import SecurityEventKind
from .services import security_event_record

User = get_user_model()
ROLE_FIELDS = ("is_active", "is_staff", "is_superuser")


@receiver(user_logged_in, dispatch_uid="security_sign_in")
def _signed_in(sender, request, user, **kwargs):
    # The idle clock starts at sign-in (AC-11).
    if getattr(request, "session", None) is not None:
        activity_mark(request.session)
    security_event_record(kind=SecurityEventKind.SIGN_IN, request=request, actor=user, identifier=user.email)


@receiver(user_logged_out, dispatch_uid="security_sign_out")
def _signed_out(sender, request, user, **kwargs):
    if user is not None and not getattr(request, "_security_timed_out", False):
        security_event_record(kind=SecurityEventKind.SIGN_OUT, request=request, actor=user, identifier=user.email)


def _account_event(kind):
    def handler(sender, request=None, user=None, **kwargs):
        detail = ""
        if kwargs.get("email_address") is not None:
            detail = kwargs["email_address"].email
        if kwargs.get("to_email_address") is not None:
            old = kwargs.get("from_email_address")
            detail = f"{old.email if old else '—'} → {kwargs['to_email_address'].email}"
        if user is None and kwargs.get("email_address") is not None:
            user = kwargs["email_address"].user
        security_event_record(kind=kind, request=request, subject=user, detail=detail)

    return handler


for _signal, _kind in (
    (account_signals.password_changed, SecurityEventKind.PASSWORD_CHANGED),
    (account_signals.password_set, SecurityEventKind.PASSWORD_SET),
    (account_signals.password_reset, SecurityEventKind.PASSWORD_RESET),
    (account_signals.email_added, SecurityEventKind.EMAIL_ADDED),
    (account_signals.email_removed, SecurityEventKind.EMAIL_REMOVED),
    (account_signals.email_changed, SecurityEventKind.EMAIL_CHANGED),
    (account_signals.email_confirmed, SecurityEventKind.EMAIL_CONFIRMED),
):
    _signal.connect(_account_event(_kind), weak=False, dispatch_uid=f"security_{_kind}")


try:  # Single sign-on, where a deployment turns allauth's socialaccount on.
    from allauth.socialaccount.signals import social_account_added
except ImportError:  # pragma: no cover - socialaccount ships with allauth
    social_account_added = None
if social_account_added is not None:

    @receiver(social_account_added, dispatch_uid="security_sso_linked")
    def _sso_linked(sender, request, sociallogin, **kwargs):
        account = sociallogin.account
        security_event_record(
            kind=SecurityEventKind.SSO_LINKED, request=request, subject=account.user,
            detail=f"{account.provider}: {account.uid}",
        )


@receiver(pre_save, sender=User, dispatch_uid="security_role_before")
def _role_before(sender, instance, update_fields=None, **kwargs):
    if instance.pk is None or (update_fields is not None and not set(update_fields) & set(ROLE_FIELDS)):
        instance._security_roles_before = None
        return
    instance._security_roles_before = User.objects.filter(pk=instance.pk).values(*ROLE_FIELDS).first()


@receiver(post_save, sender=User, dispatch_uid="security_role_after")
def _role_after(sender, instance, created, **kwargs):
    before = getattr(instance, "_security_roles_before", None)
    if created:
        granted = [field for field in ROLE_FIELDS[1:] if getattr(instance, field)]
        changes = [f"{field}: → True" for field in granted]
    elif before:
        changes = [
            f"{field}: {before[field]} → {getattr(instance, field)}"
            for field in ROLE_FIELDS
            if before[field] != getattr(instance, field)
        ]
    else:
        changes = []
    if changes:
        security_event_record(
            kind=SecurityEventKind.ROLE_CHANGED, subject=instance, detail="; ".join(changes)
        )


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="security_groups")
def _groups_changed(sender, instance, action, pk_set, reverse, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear") or reverse:
        return
    security_event_record(
        kind=SecurityEventKind.ROLE_CHANGED, subject=instance,
        detail=f"groups {action.removeprefix('post_')}: {sorted(pk_set or [])}",
    )


@receiver(post_save, sender=ProgramCoordinator, dispatch_uid="security_coordinator_added")
def _coordinator_added(sender, instance, created, **kwargs):
    if created:
        security_event_record(
            kind=SecurityEventKind.COORDINATOR_ADDED, subject=instance.user,
            program=instance.program,
        )


@receiver(post_delete, sender=ProgramCoordinator, dispatch_uid="security_coordinator_removed")
def _coordinator_removed(sender, instance, **kwargs):
    security_event_record(
        kind=SecurityEventKind.COORDINATOR_REMOVED, subject=instance.user,
        program=instance.program,
    )
