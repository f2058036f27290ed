"""The surveys the five programs' documents call for (shared/seeds), as editable templates.

| program | survey | document |
|---|---|---|
| AAHPM | exit survey, to both, after the mentorship ends | “Once the mentoring relationship has ended, Mentors/Mentees are asked to complete an exit survey.” |
| KY Connections | fit questionnaire, to both, 3 months in | “After the first three months, a questionnaire will be sent to both parties to gauge if their mentoring match is a good fit with adjustments made if necessary” |
| KY Connections | evaluation form, to both, after one year | “After one year, an evaluation form will be sent to both participants to provide feedback to the Chapter on the success of the program” |
| HHS | progress report, mentors, repeating | mentors “Complete and submit progress reports to OPDIV coordinators.” |
| HHS | program evaluation, five dimensions | “Accomplishment of Overall Program Objectives; Selection/Matching Process; Mentoring Relationship; Training; Program Support” |
| HPMSNJ | feedback to the committee, repeating | “What is going well? How could the program improve? What concerns do you (mentor and/or mentee) have?” |
| WTAP | evaluation after the initial period | “After an initial period, the relations will be evaluated and mutually agreed to end or continue for another agreed upon time period.” |

Where a document is silent (how often progress reports and feedback go out,
the exact wording of a question) the choice is marked “silent” and stays
editable in the admin. Seeding is idempotent by (program, kind, title).
"""

from django.db import migrations

YES_NO = "Yes\nNo"
AGREE = {"low_label": "Strongly disagree", "high_label": "Strongly agree"}

NOT_A_GOOD_FIT = "No, it is not working"
END_RELATIONSHIP = "End the relationship"
NOT_WORKING = "No, it is not working as it should"

SURVEYS = [
    {
        "program": "aahpm",
        "kind": "exit",
        "title": "Mentor Match exit survey",
        "audience": "both",
        "anonymous_in_reporting": True,
        "intro": (
            "Your mentoring relationship has ended. Thank you for taking part in AAHPM Mentor Match! "
            "This exit survey helps AAHPM staff learn whether mentees' goals and expectations were met and how to "
            "make the best possible partnering for future participants."
        ),
        "questions": [
            # “Both mentors and mentees must have a discovery call, to make sure they are a good match, and a
            # wrap-up call, to make sure that the goals and expectations of the mentees were met.”
            {"text": "Did you have a discovery call to make sure you were a good match?", "kind": "single", "choices": YES_NO, "dimension": "Milestones"},
            {"text": "Did you have a wrap-up call to make sure the mentee's goals and expectations were met?", "kind": "single", "choices": YES_NO, "dimension": "Milestones"},
            {"text": "How well were the mentee's goals and expectations met?", "kind": "rating", "dimension": "Goals", "low_label": "Not at all", "high_label": "Completely"},
            # “Mentees are encouraged to fill out the Mentoring Worksheet … shared to the Mentors after the discovery call.”
            {"text": "Was the Mentoring Worksheet (or notes) shared with the mentor after the discovery call?", "kind": "single", "choices": "Yes\nNo\nNot sure", "dimension": "Goals"},
            # “a scheduled phone call with their mentee at least once a month”
            {"text": "How often did you have a scheduled call?", "kind": "single", "choices": "At least once a month\nEvery two to three months\nLess often", "dimension": "Contact"},
            # “We recommend you give 48 hours' notice and reschedule the missed call ASAP.”
            {"text": "When a call had to be rescheduled, was 48 hours' notice given and the call rescheduled soon?", "kind": "single", "choices": "Always\nUsually\nRarely\nNo call was rescheduled", "dimension": "Contact", "required": False},
            # “matched … based on professional skills that the mentee wants to acquire and that the mentor has to offer”
            {"text": "How well did the match fit the professional skills the mentee wanted to acquire?", "kind": "rating", "dimension": "Matching", "low_label": "Poorly", "high_label": "Very well"},
            {"text": "How satisfied are you with your mentoring relationship overall?", "kind": "rating", "dimension": "Relationship", "low_label": "Very dissatisfied", "high_label": "Very satisfied"},
            {"text": "Would you take part in Mentor Match again?", "kind": "single", "choices": "Yes\nMaybe\nNo", "dimension": "Relationship"},
            {"text": "What worked well in your mentoring relationship?", "kind": "text", "required": False},
            {"text": "What could AAHPM do to improve Mentor Match?", "kind": "text", "required": False},
        ],
    },
    {
        "program": "ky-connections",
        "kind": "fit_check",
        "title": "Connections fit questionnaire (three months)",
        "audience": "both",
        # The Sponsors make adjustments for a pair, so they need to know which pair.
        "anonymous_in_reporting": False,
        "intro": (
            "You have been connected for three months. This questionnaire gauges whether your mentoring match is a "
            "good fit, so the Connections Sponsors can make adjustments if necessary."
        ),
        "questions": [
            {"text": "Is your mentoring match a good fit?", "kind": "single", "choices": f"Yes, it is a good fit\nPartly — some adjustments would help\n{NOT_A_GOOD_FIT}", "dimension": "Fit", "alert_on": NOT_A_GOOD_FIT},
            # “Participants are expected to spend at least one hour each month connecting in person or phone”
            {"text": "Have you connected for at least one hour each month, in person or by phone?", "kind": "single", "choices": "Yes, every month\nMost months\nNo", "dimension": "Contact"},
            # “Mentors/Mentees should be located convenient to each other's office and/or home”
            {"text": "How convenient is it for the two of you to meet face-to-face?", "kind": "rating", "dimension": "Fit", "low_label": "Very inconvenient", "high_label": "Very convenient"},
            # “match participants based on stated needs, challenges, strengths, and areas for improvement”
            {"text": "How well does your pairing fit your stated needs, challenges, strengths and areas for improvement?", "kind": "rating", "dimension": "Fit", "low_label": "Poorly", "high_label": "Very well"},
            {"text": "Where is your Connections Development Plan?", "kind": "single", "choices": "Written and in use\nIn progress\nNot started", "dimension": "Development plan"},
            {"text": "What adjustments, if any, would help your mentoring connection?", "kind": "text", "required": False},
        ],
    },
    {
        "program": "ky-connections",
        "kind": "evaluation",
        "title": "Connections evaluation form (one year)",
        "audience": "both",
        "anonymous_in_reporting": True,
        "intro": (
            "Your Connections year is complete. This evaluation form gives the Chapter your feedback on the success "
            "of the program. Please complete it honestly and thoroughly."
        ),
        "questions": [
            {"text": "Overall, how successful was your Connections mentoring year?", "kind": "rating", "dimension": "Program success", "low_label": "Not successful", "high_label": "Very successful"},
            {"text": "How much progress did you make on your Connections Development Plan?", "kind": "rating", "dimension": "Program success", "low_label": "None", "high_label": "A great deal"},
            # “at least one monthly contact hour”
            {"text": "Did you complete at least one contact hour each month?", "kind": "single", "choices": "Every month\nMost months\nFewer than half the months", "dimension": "Contact"},
            # “Connections Sponsors will ensure at least one event per month …”
            {"text": "How well did the Connections events support your mentoring?", "kind": "rating", "dimension": "Events", "help_text": "The kick-off and social/teambuilding events, Lunch and Learn gatherings and chapter meetings."},
            {"text": "Which parts of the program were most valuable to you?", "kind": "multiple", "choices": "Personal mentoring meetings\nKick-off event\nSocial/teambuilding events\nLunch and Learn gatherings\nKY IPMA-HR chapter meetings", "dimension": "Events", "required": False},
            {"text": "Would you recommend the Connections Mentoring Program to a colleague?", "kind": "single", "choices": "Yes\nMaybe\nNo", "dimension": "Program success"},
            {"text": "What feedback would you like to give the Chapter about the program?", "kind": "text", "required": False},
        ],
    },
    {
        "program": "hhs",
        "kind": "progress_report",
        "title": "Mentor progress report",
        "audience": "mentors",
        # The OPDIV coordinator reads progress reports pair by pair.
        "anonymous_in_reporting": False,
        "every_months": 3,  # silent → quarterly, editable
        "intro": (
            "HHS mentors complete and submit progress reports to their OPDIV coordinator. Tell us how the mentoring "
            "relationship and the mentee's Individual Development Plan (IDP) are progressing."
        ),
        "questions": [
            # “Communicate with mentees regularly, as established by the mentoring agreement.”
            {"text": "Have you communicated with your mentee as established in your mentoring agreement?", "kind": "single", "choices": "Yes\nPartly\nNo", "dimension": "Mentoring Relationship"},
            # “Assist mentees with the establishment of an IDP.”
            {"text": "Where does the mentee's Individual Development Plan (IDP) stand?", "kind": "single", "choices": "Not started\nDrafted\nAgreed and in progress\nGoals achieved", "dimension": "Accomplishment of Overall Program Objectives"},
            {"text": "How is your mentee progressing toward their professional goals?", "kind": "rating", "dimension": "Accomplishment of Overall Program Objectives", "low_label": "No progress", "high_label": "Excellent progress"},
            {"text": "Which activities took place in this period?", "kind": "multiple", "choices": "Mentoring meetings\nAdvice, coaching or feedback\nWork on the IDP\nOrientation\nTraining events", "required": False, "dimension": "Mentoring Relationship"},
            # “In the event that a mentoring relationship is not working as effectively as it should after 3
            # months … The role of the OPDIV coordinator is to provide guidance to the pairs”
            {"text": "Is the mentoring relationship working as effectively as it should?", "kind": "single", "choices": f"Yes\nPartly\n{NOT_WORKING}", "dimension": "Mentoring Relationship", "alert_on": NOT_WORKING},
            {"text": "Progress in this period and next steps", "kind": "text"},
        ],
    },
    {
        "program": "hhs",
        "kind": "evaluation",
        "title": "HHS Mentoring Program evaluation",
        "audience": "both",
        "anonymous_in_reporting": True,
        "intro": (
            "The evaluation assesses levels of satisfaction with the mentoring relationship and the effectiveness of "
            "the mentoring program based on its overall objectives, for continuous improvement. Rate each statement "
            "from 1 (strongly disagree) to 5 (strongly agree)."
        ),
        "questions": [
            {"text": "The program helped me plan and realize my professional goals.", "kind": "rating", "dimension": "Accomplishment of Overall Program Objectives", **AGREE},
            {"text": "My Individual Development Plan (IDP) moved forward during the program.", "kind": "rating", "dimension": "Accomplishment of Overall Program Objectives", **AGREE},
            {"text": "How were you matched?", "kind": "single", "choices": "Auto-Matching\nSelf-Selection\nThird-Party Matching\nAn existing mentoring relationship", "dimension": "Selection/Matching Process"},
            {"text": "The matching process found me a partner who suited my developmental objectives.", "kind": "rating", "dimension": "Selection/Matching Process", **AGREE},
            {"text": "I am satisfied with my mentoring relationship.", "kind": "rating", "dimension": "Mentoring Relationship", **AGREE},
            {"text": "We communicated regularly, as established in our mentoring agreement.", "kind": "rating", "dimension": "Mentoring Relationship", **AGREE},
            {"text": "The orientation and training events prepared me for my role.", "kind": "rating", "dimension": "Training", **AGREE},
            {"text": "My OPDIV coordinator gave the support and guidance I needed.", "kind": "rating", "dimension": "Program Support", **AGREE},
            # “The manager/supervisor should: Encourage and acknowledge employees participation in the program.”
            {"text": "My supervisor supported my participation.", "kind": "rating", "dimension": "Program Support", **AGREE},
            {"text": "What would you change to improve the HHS Mentoring Program?", "kind": "text", "required": False},
        ],
    },
    {
        "program": "hpmsnj",
        "kind": "feedback",
        "title": "Feedback to the mentorship committee",
        "audience": "both",
        # The committee follows up on concerns with the pair.
        "anonymous_in_reporting": False,
        "every_months": 6,  # silent (“periodic check-ins”) → twice in the one-year pairing, editable
        "intro": (
            "The mentorship committee wants to hear from mentors and mentees, to improve the program and report "
            "its successes and challenges to the HPMSNJ Board. Please give honest feedback."
        ),
        "questions": [
            {"text": "What is going well?", "kind": "text"},
            {"text": "How could the program improve?", "kind": "text", "required": False},
            {"text": "What concerns do you have?", "kind": "text", "required": False},
            # “about 1-2 hours per month”; “at least quarterly check-in calls for ~45 minutes – 1 hour”
            {"text": "About how much time a month do you spend on your mentoring check-ins?", "kind": "single", "choices": "Less than an hour\n1–2 hours\nMore than 2 hours", "dimension": "Time commitment", "required": False},
            {"text": "Have you had a check-in call at least every quarter?", "kind": "single", "choices": YES_NO, "dimension": "Time commitment", "required": False},
        ],
    },
    {
        "program": "wtap",
        "kind": "evaluation",
        "title": "Mentoring relationship evaluation (initial period)",
        "audience": "both",
        # Deciding to end or continue is mutual and involves the WTAP Program Coordinator.
        "anonymous_in_reporting": False,
        "intro": (
            "Your Mentoring Agreement says: after an initial period, the relationship will be evaluated and mutually "
            "agreed to end or continue for another agreed upon time period. Please answer separately; your partner "
            "answers too."
        ),
        "questions": [
            {"text": "Should the mentoring relationship continue?", "kind": "single", "choices": f"Continue as agreed\nContinue for another agreed upon time period\n{END_RELATIONSHIP}", "dimension": "Relationship", "alert_on": END_RELATIONSHIP},
            # Agreement items 2–4: meeting schedule, minimum and maximum length, contact between meetings.
            {"text": "Have meetings kept to the schedule, length and contact between meetings set in your Mentoring Agreement?", "kind": "single", "choices": "Yes\nPartly\nNo", "dimension": "Agreement"},
            {"text": "How much progress has the mentee made toward their developmental goals?", "kind": "rating", "dimension": "Goals", "low_label": "None", "high_label": "A great deal"},
            {"text": "Which work/life skills have you worked on together?", "kind": "multiple", "choices": "Time management\nBalancing work and home commitments\nManaging a paycheck and finances\nAccepting new responsibilities\nAdjusting to a structured lifestyle\nStress management\nHow to receive and give constructive criticism", "dimension": "Goals", "required": False},
            # Agreement item 6: “The mentor agrees to provide constructive feedback to the mentee”
            {"text": "How constructive has the feedback between you been?", "kind": "rating", "dimension": "Relationship", "low_label": "Not at all", "high_label": "Very constructive"},
            {"text": "What should change for the next period?", "kind": "text", "required": False},
        ],
    },
]


def seed(apps, schema_editor):
    Program = apps.get_model("programs", "Program")
    Survey = apps.get_model("surveys", "Survey")
    Question = apps.get_model("surveys", "Question")
    programs = {p.slug: p for p in Program.objects.filter(slug__in={s["program"] for s in SURVEYS})}
    for values in SURVEYS:
        values = dict(values)
        program = programs.get(values.pop("program"))
        if program is None:
            continue
        questions = values.pop("questions")
        survey, created = Survey.objects.get_or_create(
            program=program, kind=values["kind"], title=values["title"], defaults=values
        )
        if not created:
            continue
        Question.objects.bulk_create(
            Question(survey=survey, order=10 * (n + 1), **{"required": True, **question})
            for n, question in enumerate(questions)
        )


def unseed(apps, schema_editor):
    Survey = apps.get_model("surveys", "Survey")
    for values in SURVEYS:
        Survey.objects.filter(program__slug=values["program"], kind=values["kind"], title=values["title"]).delete()


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
