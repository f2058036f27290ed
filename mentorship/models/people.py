"""People: accounts signed in by email, their profiles, skills and job history."""

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import slugify


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in with their email address."""

    username = None
    email = models.EmailField("email address", unique=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        ordering = ["last_name", "first_name", "email"]

    def __str__(self):
        return self.get_full_name() or self.email

    @property
    def display_name(self) -> str:
        return self.name_for(self.first_name, self.last_name, self.email)

    @staticmethod
    def name_for(first_name: str, last_name: str, email: str) -> str:
        """`display_name` from the raw columns, for code that reads them with values()."""
        return f"{first_name} {last_name}".strip() or email.split("@")[0]


class Skill(models.Model):
    """The shared vocabulary of skills offered and development needs."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=90, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:90]
        super().save(*args, **kwargs)


class CareerLevel(models.IntegerChoices):
    ENTRY = 1, "Entry level"
    EARLY = 2, "Early career"
    MID = 3, "Mid-career"
    SENIOR = 4, "Senior"
    EXECUTIVE = 5, "Executive"


class EmailFrequency(models.TextChoices):
    IMMEDIATE = "immediate", "As they happen"
    WEEKLY = "weekly", "At most weekly"
    OFF = "off", "Only essential emails"


def photo_upload_to(instance, filename):
    # The name is ours, never the uploader's: the form re-encodes every photo.
    return f"photos/{instance.user_id}/{filename}"


class Profile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    photo = models.ImageField(upload_to=photo_upload_to, blank=True)
    headline = models.CharField(max_length=160, blank=True, help_text="e.g. “Palliative care physician, 15 years”.")
    bio = models.TextField(blank=True)
    organisation = models.CharField(max_length=160, blank=True)
    org_unit = models.CharField(
        "organisation unit", max_length=80, blank=True, db_index=True, help_text="HHS: your OPDIV (e.g. CDC, NIH)."
    )
    location = models.CharField(max_length=160, blank=True, help_text="City, e.g. “Louisville, KY”.")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    career_level = models.PositiveSmallIntegerField(choices=CareerLevel.choices, null=True, blank=True)
    leadership_position = models.BooleanField(
        default=False, help_text="You hold a leadership position (KY: mentors should)."
    )
    supervisor = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervised_profiles",
        help_text="Your first-line supervisor, if they use this site (KY: your supervisor cannot be your mentor).",
    )
    skills_offered = models.ManyToManyField(Skill, blank=True, related_name="offered_by")
    development_needs = models.ManyToManyField(Skill, blank=True, related_name="needed_by")
    professional_goals = models.TextField(blank=True)
    email_frequency = models.CharField(
        max_length=10,
        choices=EmailFrequency.choices,
        default=EmailFrequency.IMMEDIATE,
        help_text="For reminders and digests; invitations and surveys always arrive.",
    )
    # Indexed: matching's cached pools check the latest profile change on every suggestion.
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(supervisor__isnull=True) | ~Q(supervisor=models.F("user")),
                name="profile_not_own_supervisor",
            ),
        ]

    def __str__(self):
        return f"Profile of {self.user}"

    def get_absolute_url(self):
        return reverse("people:detail", kwargs={"pk": self.user_id})


class JobHistoryEntry(models.Model):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="job_history")
    title = models.CharField(max_length=160)
    organisation = models.CharField(max_length=160, blank=True)
    start_year = models.PositiveSmallIntegerField(null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Empty: current.")
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["-start_year", "title"]
        verbose_name_plural = "job history entries"

    def __str__(self):
        return f"{self.title}, {self.organisation}" if self.organisation else self.title
