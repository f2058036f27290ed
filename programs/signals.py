"""What programs announce to the apps that build on it.

programs imports no other app. Whoever wants to act on a decision (mentorship
tells the person; a later app may sync an HR system) connects a receiver;
with none connected, decisions are made silently.
"""

from django.dispatch import Signal

# Sent inside the deciding transaction, after the enrolment is saved, with
# `enrollment` and `moved_up` (True when a freed place went to the next person
# on the waitlist). Receivers that send anything do it on commit.
enrollment_decided = Signal()
