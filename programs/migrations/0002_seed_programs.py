"""The five programs of PROGRAMS.md with exactly its rule values.

Texts are taken from the source documents (shared/seeds). Where a document is
silent, the value is the default PROGRAMS.md gives, marked “silent” below; every
value stays editable in the admin.
"""

from django.db import migrations

AAHPM = dict(
    slug="aahpm",
    name="AAHPM Mentor Match",
    short_name="AAHPM",
    organisation="American Academy of Hospice and Palliative Medicine",
    summary=(
        "AAHPM serves the needs of Mentor Match participants by pairing them with a willing Mentor, focused on "
        "advancing the member's personal career goals. Members are matched with a fellow AAHPM colleague based on "
        "professional skills that the mentee wants to acquire and that the mentor has to offer."
    ),
    guidelines=(
        "Mentees will be required to develop a specific set of goals which form the basis of the mentor-mentee "
        "relationship, and mentors are asked to work with the mentee on advancing these objectives.\n"
        "- Mentors and mentees must be willing to assume the appropriate role as defined below.\n"
        "- Mentors and mentees must fill out their Mentor/Mentee profiles as well as their AAHPM Connect profile.\n"
        "- Both mentors and mentees must have a discovery call, to make sure they are a good match, and a wrap-up "
        "call, to make sure that the goals and expectations of the mentees were met.\n"
        "- Mentees are encouraged to fill out the Mentoring Worksheet, which helps set their professional goals. "
        "This worksheet or any notes should be shared to the Mentors after the discovery call.\n"
        "- One of the most important things a mentor and mentee need to determine during the discovery call is the "
        "duration of their mentoring relationship.\n"
        "- Mentors may not take on more than two mentees at a time. This is to make sure that each mentee is given "
        "the attention he/she deserves.\n"
        "- Mentees may only have one mentor at a time."
    ),
    mentor_role=(
        "- Complete your member profile so that Mentees can learn more about you: add a photo, a bio and details of "
        "your job history.\n"
        "- Plan to have a scheduled phone call with your mentee at least once a month.\n"
        "- Lead the discovery call by walking through the Discovery Call Outline.\n"
        "- When mentees give you topics in advance, think about resources and experiences that speak to that issue.\n"
        "- Attend calls in a timely manner and give as much advance notice as possible of conflicts requiring "
        "rescheduling. We recommend you give 48 hours' notice and reschedule the missed call ASAP.\n"
        "- Serve in a supportive and nurturing role, encouraging your mentee's professional development and growth.\n"
        "- Once the mentoring relationship has ended, complete the exit survey."
    ),
    mentee_role=(
        "- Complete your member profile so that Mentors can learn more about you: add a photo, a bio and details of "
        "your job history.\n"
        "- You are responsible for initiating the relationship and must invite a person to be your mentor.\n"
        "- You drive the relationship: have clear goals for what you want to achieve and take responsibility for "
        "pursuing them within the length of your mentoring relationship.\n"
        "- Take the initiative to schedule meetings, communicating at least once per month with your mentor.\n"
        "- Come prepared with questions and goals; share the topic for conversation a week before the call.\n"
        "- Keep scheduled commitments; give 48 hours' notice of conflicts and reschedule the missed call ASAP.\n"
        "- Once the mentoring relationship has ended, complete the exit survey."
    ),
    not_for=(
        "Mentees may not ask their mentor for a job during or after the mentorship relationship. If you are looking "
        "for a job, please visit AAHPM's Job Mart."
    ),
    coordinator_title="AAHPM staff",
    org_unit_label="Organisation",
    max_mentees_per_mentor=2,
    max_mentors_per_mentee=1,
    allows_dual_role=False,  # silent
    matching_methods=["self_selection"],
    pairing_description="Mentees invite a mentor whose skills match what they want to acquire.",
    platforms=[],
    excludes_supervisor_chain=False,
    org_unit_preference="any",
    invitation_expiry_days=10,  # silent
    requires_application_approval=False,
    participant_cap=None,
    duration_months=None,  # agreed during the discovery call
    ends_with_cohort=False,
    extendable=False,
    early_end_after_months=None,
    checkin_interval_months=1,
    min_contact_minutes_per_month=None,
    reschedule_notice_hours=48,
    requires_discovery_call=True,
    requires_wrapup_call=True,
    requires_agreement=False,
    goals_document_name="Mentoring Worksheet",
    goals_shared_after_discovery_call=True,
    sends_exit_survey=True,
    fit_check_after_months=None,
    evaluation_after_months=None,
)

HPMSNJ = dict(
    slug="hpmsnj",
    name="HPMSNJ Mentorship Program",
    short_name="HPMSNJ",
    organisation="Healthcare Planning & Marketing Society of New Jersey",
    summary=(
        "The HPMSNJ Mentorship Program aims to pair experienced healthcare planners and marketing/PR experts in the "
        "field with those who are less experienced and could use guidance as they establish their careers."
    ),
    guidelines=(
        "The mentor/mentee pairing will be for one year and can expand beyond one year, depending on the individual "
        "relationship and the desire to continue the relationship.\n"
        "Time commitment: about 1-2 hours per month checking in. One mentor/mentee event is held each year, most "
        "likely a dinner in October.\n"
        "Enrollment in the program does not guarantee you will be paired with a mentee/mentor. The pairings depend "
        "on a sufficient pool of mentors/mentees, mentee interests, mentor availability, etc. The mentorship "
        "committee will make every effort to ensure the pairings are mutually desired and beneficial.\n"
        "The mentorship committee is available to hear your feedback: What is going well? How could the program "
        "improve? What concerns do you have?"
    ),
    mentor_role=(
        "- Provide availability for check-in phone calls; we suggest at least quarterly check-in calls for "
        "~45 minutes – 1 hour.\n"
        "- Serve as a resource: specialized knowledge, career advice, mutual agreement on goals and expectations, "
        "resume/cover letter review and interview prep (if/when asked), introductions as appropriate.\n"
        "- Provide honest and open feedback to the mentee.\n"
        "- Provide honest feedback to the mentorship committee on ways to improve the program."
    ),
    mentee_role=(
        "- Be proactive and schedule check-in calls with the mentor (quarterly or as frequently as the pair "
        "decides).\n"
        "- Work with your mentor to establish agendas for planned calls.\n"
        "- Take responsibility and initiative for goal setting and expectations.\n"
        "- Ask for and accept feedback from your mentor.\n"
        "- Attend the annual mentor/mentee event.\n"
        "- Provide honest feedback to the mentorship committee on ways to improve the program."
    ),
    not_for=(
        "The program is not designed with the expectation of the mentor attaining a job for the mentee or as a way "
        "for the mentee to seek employment at the mentor's organization. It is not a recruitment tool for the "
        "mentor. It is not swapping business cards – it is a relationship!"
    ),
    coordinator_title="mentorship committee",
    org_unit_label="Organisation",
    max_mentees_per_mentor=1,  # silent
    max_mentors_per_mentee=1,  # silent
    allows_dual_role=False,  # silent
    matching_methods=["third_party"],
    pairing_description=(
        "The mentorship committee pairs mentors and mentees, depending on the pool, mentee interests and mentor "
        "availability. Enrolling does not guarantee a pairing."
    ),
    platforms=[],
    excludes_supervisor_chain=False,
    org_unit_preference="any",
    invitation_expiry_days=10,
    requires_application_approval=False,
    participant_cap=None,
    duration_months=12,
    ends_with_cohort=False,
    extendable=True,
    early_end_after_months=None,
    checkin_interval_months=3,
    min_contact_minutes_per_month=60,
    reschedule_notice_hours=None,
    requires_discovery_call=False,
    requires_wrapup_call=False,
    requires_agreement=False,
    goals_document_name="Goals and expectations",
    goals_shared_after_discovery_call=False,
    sends_exit_survey=False,
    fit_check_after_months=None,
    evaluation_after_months=None,
)

HHS = dict(
    slug="hhs",
    name="HHS Mentoring Program",
    short_name="HHS",
    organisation="U.S. Department of Health & Human Services",
    summary=(
        "The HHS Mentoring Program provides employees with the opportunity to connect with experienced individuals "
        "who share their knowledge and expertise to support them in planning and realizing their professional "
        "goals, across the OPDIVs. All federal HHS and Commissioned Corps employees may participate."
    ),
    guidelines=(
        "Mentors and Mentees are paired for the duration of one year. At the end of the one year period, the mentor "
        "and mentee may choose to remain in the same mentoring relationship or select another mentoring "
        "relationship.\n"
        "Participants can serve simultaneously as a mentor and mentee within their home OPDIV or through a "
        "cross-OPDIV relationship.\n"
        "Platforms: Senior-to-Junior (paired with a mentor of senior career level) and Peer-to-Peer (paired with a "
        "mentor of equivalent career level).\n"
        "Matching: 1) Auto-Matching on the mentee's developmental needs and the mentor's expertise, professional "
        "goals and the mentor's career history, platform preference and geographic location; 2) Self-Selection, "
        "querying a mentor by name, OPDIV or location; 3) Third-Party Matching, where the OPDIV Coordinator "
        "searches for potential mentors and gives the mentee a list.\n"
        "If a mentoring relationship is not working as effectively as it should after 3 months, either partner may "
        "terminate the relationship. The OPDIV coordinator provides guidance to the pairs before terminating.\n"
        "Mentors may participate in up to 5 mentoring relationships at one time based on their workload. Mentees "
        "may have only one mentor during the one-year program.\n"
        "Existing mentoring pairs register too; requirements they have already completed are waived."
    ),
    mentor_role=(
        "- Establish mentoring agreements that outline the terms of the relationship.\n"
        "- Communicate with mentees regularly, as established by the mentoring agreement.\n"
        "- Participate in orientation, training events, and additional mentoring activities.\n"
        "- Assist mentees with the establishment of an IDP.\n"
        "- Provide advice, coaching, and/or feedback to mentees on a regular basis.\n"
        "- Complete and submit progress reports to OPDIV coordinators.\n"
        "- Maintain confidentiality within mentoring relationships.\n"
        "- Guide the mentee to the completion of the program."
    ),
    mentee_role=(
        "- Select a mentor that suits your unique developmental objectives.\n"
        "- Agree a mentoring agreement and develop your IDP (Individual Development Plan) with your mentor.\n"
        "- Participate in orientation and training events."
    ),
    not_for=(
        "It is not the role of a mentor to advocate on behalf of the mentee in terms of promotion, special "
        "assignments, or changes in employment."
    ),
    coordinator_title="OPDIV coordinator",
    org_unit_label="OPDIV",
    max_mentees_per_mentor=5,
    max_mentors_per_mentee=1,
    allows_dual_role=True,
    matching_methods=["auto", "self_selection", "third_party"],
    pairing_description=(
        "Mentees choose a mentor themselves, use auto-matching, or ask their OPDIV coordinator for a list of "
        "potential mentors."
    ),
    platforms=["senior_to_junior", "peer_to_peer"],
    excludes_supervisor_chain=False,
    org_unit_preference="any",
    invitation_expiry_days=10,
    requires_application_approval=False,
    participant_cap=None,
    duration_months=12,
    ends_with_cohort=False,
    extendable=True,
    early_end_after_months=3,
    checkin_interval_months=None,  # as set in the mentoring agreement
    min_contact_minutes_per_month=None,
    reschedule_notice_hours=None,
    requires_discovery_call=False,
    requires_wrapup_call=False,
    requires_agreement=True,
    goals_document_name="IDP (Individual Development Plan)",
    goals_shared_after_discovery_call=False,
    sends_exit_survey=False,
    fit_check_after_months=None,
    evaluation_after_months=12,  # program evaluation at the end of the one-year program
)

WTAP = dict(
    slug="wtap",
    name="WTAP Mentoring",
    short_name="WTAP",
    organisation="Worker Training and Assistance Program",
    summary=(
        "A deliberate pairing of a more skilled or experienced person with a lesser skilled or experienced one, "
        "with the agreed-upon goal of having the lesser skilled person grow and develop with specific life/work "
        "skills and competencies."
    ),
    guidelines=(
        "Mentors help mentees learn new behaviours and new ways of relating to people, cope with the changes in "
        "their lives, and think of ways to solve problems that may arise.\n"
        "A mentor advises primarily on work/life skills: time management, balancing work and home commitments, "
        "managing a paycheck and finances, accepting new responsibilities, adjusting to a structured lifestyle, "
        "stress management, and how to receive and give constructive criticism.\n"
        "The mentoring agreement: the relationship will last for three years. After an initial period, the "
        "relationship will be evaluated and mutually agreed to end or continue for another agreed upon time period. "
        "Either party may end the relationship without fault if it is no longer productive.\n"
        "As you complete your mentoring agreement, think about: why you want to be mentored, how often to meet, how "
        "you will communicate, what problems may arise and how you will handle them."
    ),
    mentor_role=(
        "- Serves as unbiased advisor regarding concerns that may affect job performance.\n"
        "- Helps build the self confidence of the mentee.\n"
        "- Provides information about the organization and the culture of the work world.\n"
        "- Establishes clear, open, two-way communication.\n"
        "- Provides positive suggestions on time management, balancing work and home commitments, stress "
        "management.\n"
        "- Provides referrals to internal resources (the WTAP Program Coordinator, Employee Assistance Program, "
        "health unit, personnel, the Career Assistance Center).\n"
        "- Is a source of information and encouragement, and helps develop creative and independent thinking."
    ),
    mentee_role=(
        "- Arrives on time to meetings.\n"
        "- Establishes clear developmental goals.\n"
        "- Communicates openly about goals and needs.\n"
        "- Shows initiative and willingness to listen and learn.\n"
        "- Takes personal responsibility for personal growth and development.\n"
        "- Uses mentor's time and counsel effectively."
    ),
    not_for="A mentor is not a job coach: job coaches advise on technical tasks, etiquette, work habits and priorities.",
    coordinator_title="WTAP program coordinator",
    org_unit_label="Organisation unit",
    max_mentees_per_mentor=1,  # silent
    max_mentors_per_mentee=1,  # silent
    allows_dual_role=False,  # the skill gap is the point
    matching_methods=["third_party"],
    pairing_description="The WTAP program coordinator pairs a more skilled worker with a less skilled one.",
    platforms=[],
    excludes_supervisor_chain=False,
    org_unit_preference="any",
    invitation_expiry_days=10,
    requires_application_approval=False,
    participant_cap=None,
    duration_months=36,
    ends_with_cohort=False,
    extendable=True,
    early_end_after_months=None,  # no-fault termination by either party
    checkin_interval_months=None,  # set in the agreement
    min_contact_minutes_per_month=None,
    reschedule_notice_hours=None,
    requires_discovery_call=False,
    requires_wrapup_call=False,
    requires_agreement=True,
    goals_document_name="Developmental goals",
    goals_shared_after_discovery_call=False,
    sends_exit_survey=False,
    fit_check_after_months=None,
    evaluation_after_months=6,  # “after an initial period” (length silent → 6 months)
)

KY = dict(
    slug="ky-connections",
    name="KY IPMA-HR Connections Mentoring Program",
    short_name="KY Connections",
    organisation="IPMA-HR Kentucky Chapter",
    summary=(
        "The Connections Mentoring Program pairs HR professionals in Kentucky for a participation year that begins "
        "in January and concludes in December. The relationship is voluntary and learning based."
    ),
    guidelines=(
        "- Prospective Mentors and Mentees submit a Connections application to the Connections Sponsors for "
        "approval during the open enrollment period.\n"
        "- Connections Sponsors review applications and match participants based on stated needs, challenges, "
        "strengths, and areas for improvement.\n"
        "- A Kick-off event in January, where participants learn their pairings, review guidelines and set "
        "expectations.\n"
        "- At least one event per month: chapter meetings (March, June, September, December), social/teambuilding "
        "events (January Kick-off, April, July, October) and Lunch and Learn gatherings (February, May, August, "
        "November).\n"
        "- Participants are expected to spend at least one hour each month connecting in person or by phone.\n"
        "- After the first three months, a questionnaire is sent to both parties to gauge if the match is a good "
        "fit, with adjustments made if necessary.\n"
        "- After one year, an evaluation form is sent to both participants.\n"
        "- Applying does not guarantee participation if the Sponsors cannot make a suitable match. The Sponsors may "
        "cap the number of participants in a program year.\n"
        "- For employees of KY State Government, the Personnel Cabinet documents contact hours in KELMS."
    ),
    mentor_role=(
        "- Be in a leadership position on a career path that is similar to, or desired by, the mentee.\n"
        "- You shall not be the mentee's first or second-line supervisor.\n"
        "- Initiate and maintain contact at least monthly for a minimum of 1 hour.\n"
        "- Provide opportunities for your mentee to explore job duties and career options; discuss boundaries and "
        "ground rules; create a safe environment for honest conversation; lead by example."
    ),
    mentee_role=(
        "- Ensure the permission and support of your employer and direct supervisor to participate.\n"
        "- Initiate and maintain contact at least monthly for a minimum of 1 hour.\n"
        "- Be prepared for each meeting with well thought out questions; share expectations with your mentor.\n"
        "- Ensure that mentoring reports and evaluations are completed honestly and thoroughly."
    ),
    not_for="The Connections Mentoring Program is not an employment placement and/or promotion program.",
    coordinator_title="Connections Sponsors",
    org_unit_label="Agency",
    max_mentees_per_mentor=1,  # silent
    max_mentors_per_mentee=1,  # silent
    allows_dual_role=False,  # silent
    matching_methods=["third_party"],
    pairing_description=(
        "The Connections Sponsors match approved applicants on their stated needs, challenges, strengths and areas "
        "for improvement; pairings are announced at the January kick-off."
    ),
    platforms=[],
    excludes_supervisor_chain=True,
    org_unit_preference="any",
    invitation_expiry_days=10,
    requires_application_approval=True,
    participant_cap=40,  # “may initiate a cap”; the number is silent → 40, editable
    duration_months=None,
    ends_with_cohort=True,  # January → December
    extendable=False,
    early_end_after_months=None,
    checkin_interval_months=1,
    min_contact_minutes_per_month=60,
    reschedule_notice_hours=None,
    requires_discovery_call=False,
    requires_wrapup_call=False,
    requires_agreement=False,
    goals_document_name="Connections Development Plan",
    goals_shared_after_discovery_call=False,
    sends_exit_survey=False,
    fit_check_after_months=3,
    evaluation_after_months=12,
)

PROGRAMS = [AAHPM, HPMSNJ, HHS, WTAP, KY]


def seed(apps, schema_editor):
    Program = apps.get_model("programs", "Program")
    for values in PROGRAMS:
        values = dict(values)
        Program.objects.update_or_create(slug=values.pop("slug"), defaults=values)


def unseed(apps, schema_editor):
    apps.get_model("programs", "Program").objects.filter(slug__in=[p["slug"] for p in PROGRAMS]).delete()


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
