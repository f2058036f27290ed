"""Telling people: the notification on the site and its email, the unsubscribe
link, and each person's email frequency."""

import datetime

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import timezone

from programs.notifications import decision_message

from ..models import EmailFrequency, Notification, Profile, ReminderDelivery, User
from .queue import NOTIFICATION_EMAIL, enqueue_on_commit


def notify(
    *, user: User, subject: str, body: str, url: str = "", essential: bool = True, email: bool = True
) -> Notification:
    """Tell a person on the site and by email; the email goes out after commit.

    `email=False` tells them on the site only: the row is marked as not emailed,
    so the stale sweep leaves it alone."""
    if not email:
        return Notification.objects.create(
            user=user, subject=subject, body=body, url=url, essential=essential,
            emailed_at=timezone.now(), email_skipped=True,
        )  # fmt: skip
    notification = Notification.objects.create(user=user, subject=subject, body=body, url=url, essential=essential)

    enqueue_on_commit(NOTIFICATION_EMAIL, notification.pk)
    return notification


def enrollment_decision_notify(*, enrollment, moved_up: bool = False, **signal) -> None:
    """Receiver of programs' `enrollment_decided`: tell the person, in programs' words."""
    message = decision_message(enrollment=enrollment, moved_up=moved_up)
    if message is not None:
        notify(user=enrollment.user, essential=True, **message)


# Every email the product sends goes through `email_send`, and every
# non-essential one asks `email_allowed` first: one sender, one frequency rule.
SUBJECT_PREFIX = "[Mentoring] "
UNSUBSCRIBE_LINE = "Too many emails? Change how often we write, or stop them: {url}"
WEEK = datetime.timedelta(days=7)


def email_allowed(*, user_id: int, essential: bool, now: datetime.datetime, notification_id: int | None = None) -> bool:
    """Whether a person's email frequency lets this email go out now.

    Essential mail (invitations, meetings, surveys, decisions) always goes. Of
    the rest: "as it happens" all of it; "at most weekly" one in any seven days,
    counting reminders and notification emails alike (the one being sent,
    `notification_id`, aside); "only essential emails" none.
    """
    if essential:
        return True
    frequency = Profile.objects.filter(user_id=user_id).values_list("email_frequency", flat=True).first()
    if frequency == EmailFrequency.OFF:
        return False
    if frequency == EmailFrequency.WEEKLY:
        since = now - WEEK
        reminded = ReminderDelivery.objects.filter(user_id=user_id, essential=False, sent_at__gte=since)
        notified = Notification.objects.filter(
            user_id=user_id, essential=False, email_skipped=False, emailed_at__gte=since
        ).exclude(pk=notification_id)
        return not (reminded.exists() or notified.exists())
    return True


def email_send(
    *, user: User, subject: str, body: str, url: str = "", essential: bool, attachments: tuple = ()
) -> None:
    """Send one email to a person: the link to the page it is about, and for
    non-essential mail the unsubscribe link (also as List-Unsubscribe headers,
    RFC 8058's one-click). `attachments` are (name, content, mimetype)."""
    link = f"{settings.SITE_URL}{url}" if url else settings.SITE_URL
    text = f"{body}\n\n{link}\n"
    headers = {}
    if not essential:
        unsubscribe = settings.SITE_URL + reverse("notifications:unsubscribe", args=[unsubscribe_token(user.pk)])
        text += "\n" + UNSUBSCRIBE_LINE.format(url=unsubscribe) + "\n"
        headers = {"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    message = EmailMultiAlternatives(subject=SUBJECT_PREFIX + subject, body=text, to=[user.email], headers=headers)
    for attachment in attachments:
        message.attach(*attachment)
    message.send()


def notification_email_send(*, notification_id: int) -> bool:
    """Send a notification's email once: the row is claimed before the mail goes out."""
    now = timezone.now()
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(emailed_at=now)
    if not claimed:
        return False
    notification = Notification.objects.select_related("user").get(pk=notification_id)
    if not email_allowed(
        user_id=notification.user_id, essential=notification.essential, now=now, notification_id=notification.pk
    ):
        # Seen on the site; the claim stays, so the stale sweep does not send it later.
        Notification.objects.filter(pk=notification_id).update(email_skipped=True)
        return False
    try:
        email_send(
            user=notification.user,
            subject=notification.subject,
            body=notification.body,
            url=notification.url,
            essential=notification.essential,
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
