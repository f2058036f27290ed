"""seed_load: a bulk dataset for load tests, with fresh planner statistics."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from mentorship.models import Mentorship, Profile, User

pytestmark = pytest.mark.django_db


def test_seed_load_creates_people_once_and_analyzes():
    call_command("seed_load", mentors=6, mentees=12, programs=2, stdout=io.StringIO())
    assert User.objects.filter(email__endswith="@load.example.org").count() == 18
    assert Profile.objects.filter(user__email__endswith="@load.example.org").count() == 18
    assert Mentorship.objects.exists()
    call_command("seed_load", mentors=6, mentees=12, programs=2, stdout=io.StringIO())
    assert User.objects.filter(email__endswith="@load.example.org").count() == 18
    if connection.vendor == "postgresql":
        # ANALYZE ran: the planner knows the table is not empty.
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [Profile._meta.db_table])
            assert cursor.fetchone()[0] > 0
