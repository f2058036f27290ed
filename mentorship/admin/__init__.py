"""The coordinators' screens for the core domain, by area. Importing the
package registers every ModelAdmin (Django's admin.autodiscover imports it)."""

from . import agreements, enrollments, meetings, mentorships, people  # noqa: F401 - registers the admins
