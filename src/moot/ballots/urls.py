"""The ballots pages. Each topic keeps its routes in its own ``urls_<topic>.py`` (no app_name
there: they take this namespace, "ballots")."""

from django.urls import include, path

app_name = "ballots"
urlpatterns = [
    # -- definition, officers and the ballot's life
    path("ballots/", include("moot.ballots.urls_definition")),
    # -- nominations, candidates, endorsements and post-issue events
    path("ballots/", include("moot.ballots.urls_nominations")),
    # -- roll, freeze, issue and credentials
    path("ballots/", include("moot.ballots.urls_roll")),
    # -- deliveries
    path("ballots/", include("moot.ballots.urls_deliveries")),
    # -- casting and papers
    path("ballots/", include("moot.ballots.urls_casting")),
    # -- close, count, scrutineer, declaration, countback
    path("ballots/", include("moot.ballots.urls_results")),
    # -- the published record and print files
    path("ballots/", include("moot.ballots.urls_record")),
]
