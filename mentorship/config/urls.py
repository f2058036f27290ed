"""The root URLs: the site, allauth, the admin, and each app's own URLs."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from mentorship.views import home
from programs import admin_scope

# The admin signs in through allauth, so its rate limits and verification apply.
admin.autodiscover()
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Mentoring programs — coordinators"
admin.site.site_title = "Mentoring programs"
admin.site.index_title = "Your programs"

urlpatterns = [
    path("", home.home, name="home"),
    path("dashboard/", home.dashboard, name="dashboard"),
    path("accounts/", include("allauth.urls")),
    path("session/", include("security.urls")),
    # Before the admin's own "View on site" (same path): only objects in the coordinator's scope.
    path(
        "admin/r/<path:content_type_id>/<path:object_id>/",
        admin.site.admin_view(admin_scope.view_on_site),
        name="admin_view_on_site_in_scope",
    ),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("programs/", include("programs.urls")),
    path("events/", include("programs.events_urls")),
    path("surveys/", include("surveys.urls")),
    path("", include("mentorship.urls")),
]

# Uploaded media (profile photos) are never served as public files, not even in
# development: /people/<id>/photo/ serves a photo to those allowed to see it.

# A friendly page, never a traceback; 503 with Retry-After while the database is unreachable.
handler500 = "mentorship.config.error_views.server_error"
