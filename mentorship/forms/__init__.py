"""Forms for the site and the coordinators' screens, by area: fields and shapes
only; the rules are the services' and reach a person through `submit()`."""

from .agreements import (  # noqa: F401
    AGREEMENT_WIDGETS,
    AgreementForm,
    SignForm,
)
from .directory import (  # noqa: F401
    DirectoryFilterForm,
    InvitationForm,
)
from .goals import (  # noqa: F401
    DateInput,
    GoalForm,
)
from .invitations import (  # noqa: F401
    DeclineForm,
)
from .meetings import (  # noqa: F401
    DATETIME_FORMAT,
    MEETING_DATE_RANGE,
    MEETING_WITHIN_YEARS,
    CancelForm,
    DateTimeLocalInput,
    MarkHeldForm,
    MeetingDateTimeField,
    MeetingEditForm,
    MeetingForm,
    PrivateNoteForm,
    RescheduleForm,
)
from .mentorships import (  # noqa: F401
    DecisionForm,
    DurationForm,
    EndMentorshipForm,
    ExtendForm,
)
from .pairing import (  # noqa: F401
    UNKNOWN_PERSON,
    EndForm,
    PairForm,
    PersonField,
    ReassignForm,
)
from .participant_import import (  # noqa: F401
    ImportForm,
)
from .people import (  # noqa: F401
    JobHistoryForm,
    JobHistoryFormSet,
    ProfileForm,
)
from .photos import (  # noqa: F401
    ALLOWED_FORMATS,
    MAX_PHOTO_BYTES,
    MAX_PHOTO_PIXELS,
    OUTPUT_MAX_SIDE,
    PHOTO_NOT_IMAGE,
    PHOTO_TOO_LARGE,
    PHOTO_TOO_MANY_PIXELS,
    reencode_photo,
)
