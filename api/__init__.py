"""The REST API for HR systems and member databases (/api/v1/): tokens, people,
enrolments, mentorships, meetings, the completion report, survey aggregates and
webhooks. Every write goes through the same services as the admin."""
