from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from moot.api import api
from moot.site import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("staff/admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("moot.accounts.urls")),
    path("", include("moot.audit.urls")),
    path("", include("moot.members.urls")),
    path("", include("moot.units.urls")),
    path("", include("moot.site.rulebook_views")),
    path("", include("moot.site.account_views")),
    path("", include("moot.meetings.urls")),
    path("", include("moot.motions.urls")),
    path("", include("moot.polls.urls")),
    path("", include("moot.elections.urls")),
    path("", include("moot.policies.urls")),
    path("", include("moot.cases.statistics_urls")),
    path("", include("moot.cases.urls")),
    path("", include("moot.ballots.urls")),
    path("", include("moot.verifiable.urls")),
]

# An e-mail service's delivery events (django-anymail), only with a webhook secret: anymail
# takes unauthenticated posts otherwise, and a forged bounce would move a voter to post.
if settings.ANYMAIL.get("WEBHOOK_SECRET"):
    urlpatterns.append(path("anymail/", include("anymail.urls")))

handler400 = "moot.site.views.bad_request"
handler403 = "moot.site.views.permission_denied"
handler404 = "moot.site.views.page_not_found"
handler500 = "moot.site.views.server_error"
