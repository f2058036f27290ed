"""Telling people: the notification on the site and its email, the unsubscribe
link, and each person's email frequency."""

from django.core import signing
from django.urls import reverse
from django.utils import timezone

from programs.notifications import decision_message

from ..models import EmailFrequency, Notification, Profile, User
from .queue import NOTIFICATION_EMAIL, enqueue_on_commit


def notify(*, user: User, subject: str, body: str, url: str = "", essential: bool = True) -> Notification:
    """Tell a person on the site and by email; the email goes out after commit."""
    notification = Notification.objects.create(user=user, subject=subject, body=body, url=url, essential=essential)

    enqueue_on_commit(NOTIFICATION_EMAIL, notification.pk)
    return notification


def enrollment_decision_notify(*, enrollment, moved_up: bool = False, **signal) -> None:
    """Receiver of programs' `enrollment_decided`: tell the person, in programs' words."""
    message = decision_message(enrollment=enrollment, moved_up=moved_up)
    if message is not None:
        notify(user=enrollment.user, essential=True, **message)


def notification_email_send(*, notification_id: int) -> bool:
    """Send a notification's email once: the row is claimed before the mail goes out."""
    from django.conf import settings
    from django.core.mail import send_mail

    now = timezone.now()
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(emailed_at=now)
    if not claimed:
        return False
    notification = Notification.objects.select_related("user__profile").get(pk=notification_id)
    link = f"{settings.SITE_URL}{notification.url}" if notification.url else settings.SITE_URL
    body = f"{notification.body}\n\n{link}\n"
    if not notification.essential:

        profile = getattr(notification.user, "profile", None)
        if profile is not None and profile.email_frequency == EmailFrequency.OFF:
            return False  # seen on the site; the person asked for essential mail only
        unsubscribe = settings.SITE_URL + reverse("notifications:unsubscribe", args=[unsubscribe_token(notification.user_id)])
        body += f"\nFewer emails: {unsubscribe}\n"
    try:
        send_mail(
            subject=f"[Mentoring] {notification.subject}",
            message=body,
            from_email=None,
            recipient_list=[notification.user.email],
        )
    except Exception:
        # Release the claim so a retry can send it.
        Notification.objects.filter(pk=notification_id, emailed_at=now).update(emailed_at=None)
        raise
    return True


def notification_mark_read(*, user: User, notification_id: int | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())


UNSUBSCRIBE_SALT = "mentorship.unsubscribe"


def unsubscribe_token(user_id: int) -> str:
    return signing.dumps({"u": user_id}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_user_id(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=UNSUBSCRIBE_SALT)["u"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def email_frequency_set(*, user_id: int, frequency: str) -> None:

    EmailFrequency(frequency)
    Profile.objects.filter(user_id=user_id).update(email_frequency=frequency)
