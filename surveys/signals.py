"""What surveys announces to the apps built on it (the API's webhooks).

Sent inside the submitting transaction, with `invitation`, once its final
answers are stored; receivers that send anything do it on commit.
"""

from django.dispatch import Signal

survey_answered = Signal()
